export { sign, signedHeaders } from "./sign.js";
export * from "./assumptions.js";
export { buildCreateTaskBody, type CreateTaskBody } from "./request-body.js";
export {
  createClient,
  ENDPOINTS,
  type LaafficClient,
  type ClientOptions,
  type TaskQuery,
  type RecallFlowQuery,
  type RecallFlowUpdate,
  type RecallCancelType,
} from "./client.js";
export {
  describeFailure,
  outcomeUnknown,
  platformError,
  type ApiFailure,
  type PlatformError,
  type OutcomeUnknown,
  type Unreachable,
} from "./errors.js";
export { parseEnvelope, type Envelope } from "./envelope.js";
export {
  TASK_STATUS,
  RECALL_FLOW_STATUS,
  RECALL_NODE_STATUS,
  checkCreateAnswer,
  answerShape,
  type CreateAnswer,
  type TaskRecord,
  type Page,
  type RecallFlowRecord,
  type RecallFlowDetail,
} from "./responses.js";
export type { ApiResult, Credentials } from "./transport.js";
export { probeTaskQuery, type PlatformProbe } from "./probe.js";
export { credentialsFromEnvironment, missingNames } from "./credentials.js";
