import { runDoctor, type StateProbe } from "../doctor/index.js";
import { ToolError } from "../errors/index.js";
import { probeTaskQuery } from "../laaffic/index.js";
import type { DoctorReport } from "../schema/generated/index.js";
import { lockPathFor, readLock } from "../state/index.js";
import type { AppContext } from "./context.js";
import { openWorkspace, withStateBackend, type Workspace, type WorkspaceOptions } from "./workspace.js";

export type { DoctorReport };

/** `campaign doctor`: read-only checks against the configured platform and state; nothing is created or changed. */
export async function doctor(options: WorkspaceOptions, context: AppContext): Promise<DoctorReport> {
  const workspace = await openWorkspace(options, context);
  const { settings } = workspace.config;
  return runDoctor({
    env: context.env,
    settings,
    now: context.now,
    probe: (credentials, window) =>
      probeTaskQuery(
        {
          baseUrl: settings.api.baseUrl,
          pathPrefix: settings.api.pathPrefix,
          credentials,
          timeoutMs: settings.api.timeoutMs,
          now: context.now,
        },
        window,
      ),
    state: () => probeState(workspace),
  });
}

/** The state read as any command reads it, and the file lock looked at (never taken). */
async function probeState(workspace: Workspace): Promise<StateProbe> {
  let location = workspace.statePath;
  try {
    return await withStateBackend(workspace, async (backend) => {
      location = backend.location;
      const state = await backend.read();
      const lock =
        backend.kind === "file"
          ? {
              kind: "file" as const,
              found: await readLock(lockPathFor(workspace.absoluteStatePath), lockPathFor(workspace.statePath)),
            }
          : { kind: "postgres" as const };
      return { location, read: { ok: true, serial: state?.serial }, lock };
    });
  } catch (error) {
    if (error instanceof ToolError)
      return { location, read: { ok: false, problem: error.message, hint: error.hint ?? "see campaign state list" } };
    throw error;
  }
}
