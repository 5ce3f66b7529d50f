import { CREATE_CODES_OUTCOME_UNKNOWN } from "./assumptions.js";
import { outcomeUnknown, platformError } from "./errors.js";
import type { CreateTaskBody } from "./request-body.js";
import {
  checkPage,
  checkRecallFlowDetail,
  checkCreateAnswer,
  recallFlowRecord,
  taskRecord,
  type Checked,
  type Page,
  type RecallFlowDetail,
  type RecallFlowRecord,
  type TaskRecord,
} from "./responses.js";
import { createTransport, type ApiResult, type TransportOptions } from "./transport.js";

/** Endpoint paths, after the configurable base URL and prefix. */
export const ENDPOINTS = {
  createTask: "/voice/group/call/send/agent",
  queryTasks: "/voice/group/call/query",
  cancelTasks: "/voice/group/call/cancel",
  recallFlowQueryPage: "/voice/recallFlow/queryPage",
  recallFlowQueryDetail: "/voice/recallFlow/queryDetail",
  recallFlowUpdate: "/voice/recallFlow/update",
  recallFlowCancel: "/voice/recallFlow/cancel",
} as const;

export interface TaskQuery {
  current: number;
  size: number;
  /** `YYYY-MM-DD HH:mm:ss` in the platform's time zone. */
  strTime: string;
  endTime: string;
  statusList?: number[];
  idxAppId?: string;
  /** Task name, matched fuzzily by the platform: match exactly on our side. */
  searchCondition?: string;
}

export interface RecallFlowQuery {
  current: number;
  size: number;
  strTime: string;
  endTime: string;
  taskName?: string;
}

export interface RecallFlowUpdate {
  keyId: number;
  recallType: number;
  recallInterval: number;
  recallNum: number;
  recallIntent?: string[];
  nodeList?: { scriptId: number }[];
}

/** 1 = a flow by keyId, 2 = the whole flow of a parent task id, 3 = a node and the ones after it. */
export type RecallCancelType = 1 | 2 | 3;

export interface LaafficClient {
  /** `answerShape`: set when the success carried no task id (keys and types, masked). */
  createTask(body: CreateTaskBody): Promise<ApiResult<{ taskId: number | null; answerShape?: string }>>;
  queryTasks(query: TaskQuery): Promise<ApiResult<Page<TaskRecord>>>;
  cancelTasks(taskIds: number[]): Promise<ApiResult<null>>;
  queryRecallFlows(query: RecallFlowQuery): Promise<ApiResult<Page<RecallFlowRecord>>>;
  recallFlowDetail(keyId: number): Promise<ApiResult<RecallFlowDetail>>;
  updateRecallFlow(update: RecallFlowUpdate): Promise<ApiResult<null>>;
  cancelRecallFlow(type: RecallCancelType, id: number): Promise<ApiResult<null>>;
  close(): Promise<void>;
}

export type ClientOptions = TransportOptions;

/** The body of a task query (taskType 3: AI-agent group calls). */
export const taskQuery = (q: TaskQuery) => ({
  current: q.current,
  size: q.size,
  params: {
    strTime: q.strTime,
    endTime: q.endTime,
    taskType: 3,
    ...(q.statusList ? { statusList: q.statusList } : {}),
    ...(q.idxAppId ? { idxAppId: q.idxAppId } : {}),
    ...(q.searchCondition ? { searchCondition: q.searchCondition } : {}),
  },
});

export function createClient(options: ClientOptions): LaafficClient {
  const transport = createTransport(options);
  const read = async <T>(path: string, body: unknown, check: (data: unknown) => Checked<T>): Promise<ApiResult<T>> => {
    const result = await transport.post(path, body, true);
    if (!result.ok) return result;
    const checked = check(result.data);
    return checked.ok
      ? { ok: true, data: checked.value, attempts: result.attempts }
      : { ok: false, failure: platformError("invalid-response", checked.problem), attempts: result.attempts };
  };
  const change = async (path: string, body: unknown): Promise<ApiResult<null>> => {
    const result = await transport.post(path, body, false);
    return result.ok ? { ...result, data: null } : result;
  };

  return {
    async createTask(body) {
      const result = await transport.post(ENDPOINTS.createTask, body, false);
      if (!result.ok) {
        const f = result.failure;
        // The platform may have stored the task before failing: unknown, reconciled by refresh.
        if (f.kind === "platform" && CREATE_CODES_OUTCOME_UNKNOWN.has(f.code))
          return {
            ...result,
            failure: outcomeUnknown(
              `the platform answered ${f.code} (${f.message}), which does not say whether the task was stored`,
            ),
          };
        return result;
      }
      const answer = checkCreateAnswer(result.data);
      if (answer.kind === "nonsense")
        return {
          ok: false,
          failure: outcomeUnknown(`the platform answered success with data that is not a task id (${answer.shape})`),
          attempts: result.attempts,
        };
      return {
        ok: true,
        data: answer.kind === "id" ? { taskId: answer.taskId } : { taskId: null, answerShape: answer.shape },
        attempts: result.attempts,
      };
    },
    queryTasks: (query) => read(ENDPOINTS.queryTasks, taskQuery(query), (d) => checkPage(d, taskRecord, "task query")),
    cancelTasks: (taskIds) => change(ENDPOINTS.cancelTasks, { taskIdList: taskIds }),
    queryRecallFlows: (q) =>
      read(
        ENDPOINTS.recallFlowQueryPage,
        {
          current: q.current,
          size: q.size,
          params: { strTime: q.strTime, endTime: q.endTime, ...(q.taskName ? { taskName: q.taskName } : {}) },
        },
        (d) => checkPage(d, recallFlowRecord, "recall flow query"),
      ),
    recallFlowDetail: (keyId) => read(ENDPOINTS.recallFlowQueryDetail, { keyId }, checkRecallFlowDetail),
    updateRecallFlow: (update) => change(ENDPOINTS.recallFlowUpdate, update),
    cancelRecallFlow: (type, id) => change(ENDPOINTS.recallFlowCancel, { type, id }),
    close: () => transport.close(),
  };
}
