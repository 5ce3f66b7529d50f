import { nameIndex, ownEntry } from "../plan/by-name.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { AppliedState, CampaignState, LastError, RecordedEstimate } from "../schema/generated/index.js";
import type { HistoryInput, Mutation } from "./writer.js";

/** What the state keeps of a campaign definition: hashes, a count and masked settings. */
export interface DefinitionRecord {
  taskName: string;
  definitionHash: string;
  recipientsHash: string;
  recipients: number;
  settings: Record<string, unknown>;
  series?: string;
  /** The reviewed plan's cost estimate (kept for campaign outcomes). */
  estimate?: RecordedEstimate;
  /** Of the definition without taskName (rename detection). */
  identityFreeHash?: string;
  /** The campaign file relative to the project root (plans over some paths). */
  sourcePath?: string;
}

export function emptyState(lineage: string, salt: string): AppliedState {
  return { formatVersion: 1, lineage, serial: 0, salt, campaigns: nameIndex(), history: [] };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Written durably before the request: if we die after this, the campaign is never lost. */
export function markPending(definition: DefinitionRecord, planId: string, now: number): Mutation {
  return (state) => {
    state.campaigns[definition.taskName] = {
      status: "pending",
      definitionHash: definition.definitionHash,
      recipientsHash: definition.recipientsHash,
      recipients: definition.recipients,
      settings: definition.settings as CampaignState["settings"],
      attemptStartedAt: iso(now),
      updatedAt: iso(now),
      planId,
      ...(definition.series !== undefined ? { series: definition.series } : {}),
      ...(definition.estimate !== undefined ? { estimate: definition.estimate } : {}),
      ...(definition.identityFreeHash !== undefined ? { identityFreeHash: definition.identityFreeHash } : {}),
      ...(definition.sourcePath !== undefined ? { sourcePath: definition.sourcePath } : {}),
    };
    return [{ action: "pending", taskName: definition.taskName, detail: `plan ${planId}` }];
  };
}

export function markSubmitted(taskName: string, taskId: number | null, now: number): Mutation {
  return updateCampaign(taskName, now, (c) => {
    c.status = "submitted";
    c.taskId = taskId;
    c.submittedAt = iso(now);
    delete c.lastError;
    return { action: "submitted", taskName, detail: taskId !== null ? `task ${taskId}` : "task id not returned" };
  });
}

export function markFailed(taskName: string, status: "rejected" | "unknown", error: LastError, now: number): Mutation {
  return updateCampaign(taskName, now, (c) => {
    c.status = status;
    // The platform's words are untrusted: never stored with a number in them (the tool's own reasons are kept).
    c.lastError =
      error.kind === "platform"
        ? {
            ...error,
            message: maskSensitiveText(error.message),
            ...(error.code !== undefined ? { code: maskSensitiveText(error.code) } : {}),
          }
        : error;
    return {
      action: status,
      taskName,
      detail: `${c.lastError.code ? `${c.lastError.code} ` : ""}${c.lastError.message}`,
    };
  });
}

/** `campaign state resolve`: a person says what happened to an unknown outcome. */
export function markResolved(
  taskName: string,
  resolution: { submitted: boolean; taskId?: number },
  by: string,
  now: number,
): Mutation {
  return updateCampaign(taskName, now, (c) => {
    if (resolution.submitted) {
      c.status = "submitted";
      c.taskId = resolution.taskId ?? c.taskId ?? null;
      c.submittedAt = c.attemptStartedAt ?? iso(now);
      delete c.lastError;
    } else {
      c.status = "not-submitted";
      c.lastError = { kind: "resolved", message: `resolved by ${by} as not submitted` };
    }
    return {
      action: "resolve",
      taskName,
      by,
      detail: resolution.submitted
        ? `submitted${resolution.taskId !== undefined ? ` as task ${resolution.taskId}` : ""}`
        : "not submitted",
    };
  });
}

export function forgetCampaign(taskName: string, by: string): Mutation {
  return (state) => {
    const before = ownEntry(state.campaigns, taskName);
    if (before) delete state.campaigns[taskName];
    return [
      {
        action: "forget",
        taskName,
        by,
        detail: `was ${before?.status ?? "absent"}${before?.taskId ? ` (task ${before.taskId})` : ""}`,
      },
    ];
  };
}

/**
 * A reviewed rename (renamedFrom): the entry moves to the new name with the definition as now
 * declared (equal but for its name). The task keeps its old name on the platform: recorded, so
 * refresh still finds it.
 */
export function moveCampaign(from: string, definition: DefinitionRecord, by: string, now: number): Mutation {
  return (state) => {
    const before = ownEntry(state.campaigns, from);
    if (!before) throw new Error(`no state entry for ${from}`);
    if (ownEntry(state.campaigns, definition.taskName))
      throw new Error(`a state entry for ${definition.taskName} exists already`);
    const platformTaskName = before.platformTaskName ?? from;
    const { series: _series, sourcePath: _sourcePath, ...kept } = before;
    const moved: CampaignState = {
      ...kept,
      definitionHash: definition.definitionHash,
      recipientsHash: definition.recipientsHash,
      recipients: definition.recipients,
      settings: definition.settings as CampaignState["settings"],
      updatedAt: iso(now),
      renamedFrom: from,
      platformTaskName,
      ...(definition.series !== undefined ? { series: definition.series } : {}),
      ...(definition.identityFreeHash !== undefined ? { identityFreeHash: definition.identityFreeHash } : {}),
      ...(definition.sourcePath !== undefined ? { sourcePath: definition.sourcePath } : {}),
    };
    delete state.campaigns[from];
    Object.defineProperty(state.campaigns, definition.taskName, {
      value: moved,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    const task = before.taskId ? `task ${before.taskId}` : "the task";
    return [
      { action: "rename", taskName: from, by, detail: `renamed to ${definition.taskName}` },
      {
        action: "rename",
        taskName: definition.taskName,
        by,
        detail: `renamed from ${from}; ${task} keeps the name ${platformTaskName} on the platform`,
      },
    ];
  };
}

export function logEvent(entry: HistoryInput): Mutation {
  return () => [entry];
}

/** Several mutations applied in order as one: one durable write, one serial. */
export function combineMutations(mutations: readonly Mutation[]): Mutation {
  return mutations.length === 1 ? mutations[0]! : (state) => mutations.flatMap((m) => m(state));
}

/** Changes one campaign's record (which must exist), stamps it and logs what `change` says. */
export function updateCampaign(taskName: string, now: number, change: (c: CampaignState) => HistoryInput): Mutation {
  return (state) => {
    const campaign = ownEntry(state.campaigns, taskName);
    if (!campaign) throw new Error(`no state entry for ${taskName}`);
    const entry = change(campaign);
    campaign.updatedAt = iso(now);
    return [entry];
  };
}
