import { suppressedBy } from "../campaigns/suppression.js";
import { ownEntry, type DesiredCampaign, type OptedOutRecipients } from "../plan/index.js";
import { maskPhoneNumber } from "../privacy/index.js";
import { optOutMatcher } from "../reports/index.js";
import type { AppliedState } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { optOutIntents } from "./opt-out-intents.js";
import { readStoreIfAny } from "./report-store.js";
import { loadSuppressionLists } from "./suppression.js";
import { campaignFileReader, type Workspace } from "./workspace.js";

const SAMPLE = 20;

/**
 * For the plan: the declared numbers of campaigns not yet submitted with any status report that is
 * an opt-out (a later report never takes it back), that no suppression list holds. Optional and cheap: nothing without
 * reports.optOutIntents or a report store; the store is asked for its opt-outs first (usually
 * few), and declared numbers are hashed only when there are some (and only those whose last
 * digits match one). A store that cannot be read is said (a notice) and the plan goes on.
 */
export async function optedOutDeclared(
  workspace: Workspace,
  state: AppliedState | undefined,
  desired: readonly DesiredCampaign[],
  context: AppContext,
): Promise<OptedOutRecipients[]> {
  const intents = optOutIntents(workspace, context);
  const candidates = desired.filter((d) => !submitted(state, d.taskName));
  if (intents.length === 0 || candidates.length === 0) return [];
  const found = await readStoreIfAny(
    workspace,
    context,
    (why) => `note: the plan did not check for opt-outs: ${why}`,
    async (store) => {
      const callees = await store.optedOut(intents);
      if (callees.length === 0) return [];
      const match = optOutMatcher(callees, (callee) => store.hashCallee(callee));
      const hits: { taskName: string; numbers: { number: number; intent: string }[] }[] = [];
      for (const campaign of candidates) {
        const numbers = [];
        for (const number of campaign.numbers) {
          const callee = match(number);
          if (callee !== undefined) numbers.push({ number, intent: callee.intent });
        }
        if (numbers.length > 0) hits.push({ taskName: campaign.taskName, numbers });
      }
      return hits;
    },
    [],
  );
  if (found.length === 0) return [];
  // Only now, and rarely: a number a list holds is suppressed already (an error, or left out).
  const { lists } = await loadSuppressionLists(workspace.config, campaignFileReader(workspace, context), context);
  return found.flatMap(({ taskName, numbers }) => {
    const open = numbers.filter(({ number }) => suppressedBy(lists, String(number)) === undefined);
    if (open.length === 0) return [];
    const sample = open
      .slice(0, SAMPLE)
      .map(({ number, intent }) => ({ calleeNumber: maskPhoneNumber(String(number)), intent }));
    return [{ taskName, sample, count: open.length }];
  });
}

/** Submitted (or cancelled, pending, unknown): the plan sends nothing new for it, so its numbers are not checked. */
function submitted(state: AppliedState | undefined, taskName: string): boolean {
  const status = ownEntry(state?.campaigns, taskName)?.status;
  return status !== undefined && status !== "rejected" && status !== "not-submitted";
}
