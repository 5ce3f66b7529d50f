import type { ForceUnlockReport } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { openWorkspace, withStateBackend, type WorkspaceOptions } from "./workspace.js";

/** `campaign force-unlock LOCK_ID`: breaks a stale lock, given its id only (never "whatever lock is there"). */
export async function forceUnlock(
  lockId: string,
  options: WorkspaceOptions,
  context: AppContext,
): Promise<ForceUnlockReport> {
  const workspace = await openWorkspace(options, context);
  return withStateBackend(workspace, async (backend) => {
    const removed = await backend.forceUnlock(lockId);
    return {
      formatVersion: 1,
      command: "force-unlock",
      state: backend.location,
      lockId: removed.id,
      description: removed.holder,
      ...(removed.info ? { holder: removed.info } : {}),
    };
  });
}
