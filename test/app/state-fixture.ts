import { join } from "node:path";
import {
  createStateWriter,
  emptyState,
  fileSink,
  markFailed,
  markPending,
  markSubmitted,
} from "../../src/state/index.js";

/** Where the state of a project made by `writeState` is, relative to its directory. */
export const STATE = join(".campaign", "state.json");

/** Each campaign as apply would have left it: submitted as a task, or with its outcome unknown. */
export type Recorded = { name: string; taskId: number } | { name: string; unknown: true };

/** Writes a state (lineage "lin-1") as apply would, one pending record then the outcome for each campaign. */
export async function writeState(dir: string, campaigns: Recorded[], at: number): Promise<void> {
  const writer = createStateWriter(fileSink(join(dir, STATE)), emptyState("lin-1", "c".repeat(32)), () => at);
  for (const campaign of campaigns) {
    const hashes = { definitionHash: `hmac-sha256:${"a".repeat(64)}`, recipientsHash: `hmac-sha256:${"b".repeat(64)}` };
    await writer.commit(markPending({ taskName: campaign.name, ...hashes, recipients: 2, settings: {} }, "plan-1", at));
    await writer.commit(
      "taskId" in campaign
        ? markSubmitted(campaign.name, campaign.taskId, at)
        : markFailed(
            campaign.name,
            "unknown",
            { kind: "unknown", message: "connection reset after the request was sent" },
            at,
          ),
    );
  }
  await writer.compact();
}
