import { recipientsFileOf, type LoadedCampaign } from "../campaigns/index.js";
import { ownEntry, type DesiredCampaign } from "../plan/index.js";
import { ToolError } from "../errors/index.js";
import type { AppliedState, NumberInfo, VariableColumn } from "../schema/generated/index.js";
import { hmacHasher } from "../state/index.js";
import type { AppContext } from "./context.js";
import { loadDesired, type Workspace } from "./workspace.js";

/** One campaign's recipients as its files declare them, in file order (inline numberInfoList first). */
export interface DeclaredRecipients {
  taskName: string;
  recipients: NumberInfo[];
  /** How many of them are inline (numberInfoList); the rest are the recipients CSV's rows, in order. */
  inline: number;
  /** The recipients CSV, resolved (none: inline numbers only). */
  csvPath: string | undefined;
  /** The text variables set, with the names the recipients file gives their columns. */
  columns: VariableColumn[];
  /** The CSV's column of the number, and whether its numbers were rewritten to digits (numberFormat). */
  numberColumn: string;
  numbersRewritten: boolean;
}

export interface DeclaredLoad {
  /** The campaigns asked for (by name), with their recipients. */
  wanted: Map<string, DeclaredRecipients>;
  /** Every declared campaign (numbers as a sorted set, no recipients): for attribution by number. */
  desired: DesiredCampaign[];
  inputFiles: string[];
}

/**
 * Loads the campaign files (all of them: a number's attribution depends on who else declares it),
 * keeping the recipients of the wanted campaigns only, so memory stays bounded by those.
 */
export async function loadDeclaredRecipients(
  workspace: Workspace,
  state: AppliedState | undefined,
  wanted: (taskName: string) => boolean,
  context: AppContext,
): Promise<DeclaredLoad> {
  const found = new Map<string, DeclaredRecipients>();
  const onLoaded = (campaign: LoadedCampaign): void => {
    if (campaign.taskName !== undefined && wanted(campaign.taskName))
      found.set(campaign.taskName, declared(campaign.taskName, campaign));
  };
  // The definition hashes are not used here; the state's salt keeps them comparable all the same.
  const hash = hmacHasher(state?.salt ?? "outcomes");
  try {
    const { desired, inputFiles } = await loadDesired(workspace, [], hash, context, { forSubmission: false, onLoaded });
    return { wanted: found, desired, inputFiles };
  } catch (error) {
    if (!(error instanceof ToolError) || error.code !== "invalid-input") throw error;
    throw new ToolError(
      "invalid-input",
      `the campaign files have errors, so the recipients cannot be read from them (${error.message.replace(/; nothing was planned$/, "")})`,
      "fix the errors above (campaign validate shows them)",
      error.details,
    );
  }
}

/** Campaigns in the state that also declare a number: reports without task id are a campaign's only when it alone does. */
export function alsoDeclaredBy(
  desired: readonly DesiredCampaign[],
  state: AppliedState | undefined,
  taskName: string,
): DesiredCampaign[] {
  return desired.filter((d) => d.taskName !== taskName && ownEntry(state?.campaigns, d.taskName) !== undefined);
}

function declared(taskName: string, campaign: LoadedCampaign): DeclaredRecipients {
  // Named columns (recipientsFile: { path, columns: { text1: borrower, … } }): the file's own names.
  const named = new Map<string, string>();
  for (const [variable, name] of Object.entries(recipientsFileOf(campaign.campaign.recipientsFile)?.columns ?? {}))
    if (typeof name === "string") named.set(variable, name);
  const inline = Array.isArray(campaign.campaign.numberInfoList) ? campaign.campaign.numberInfoList.length : 0;
  return {
    taskName,
    recipients: campaign.recipients,
    inline,
    csvPath: campaign.recipientsPath,
    columns: variableColumns(campaign.recipients, named),
    numberColumn: named.get("calleeNumber") ?? "calleeNumber",
    numbersRewritten: (campaign.numbersRewritten ?? 0) > 0,
  };
}

const TEXT_VARIABLES = Array.from({ length: 10 }, (_, i) => `text${i + 1}`);

function variableColumns(recipients: readonly NumberInfo[], names: ReadonlyMap<string, string>): VariableColumn[] {
  const set = new Set<string>();
  for (const recipient of recipients) for (const key in recipient) if (key !== "calleeNumber") set.add(key);
  return TEXT_VARIABLES.filter((v) => set.has(v)).map((variable) => ({
    variable,
    name: names.get(variable) ?? variable,
  }));
}
