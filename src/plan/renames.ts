import type { CampaignState, Diagnostic } from "../schema/generated/index.js";
import { ownEntry } from "./by-name.js";
import { plannedCancel } from "./cancel.js";
import type { DesiredCampaign } from "./desired.js";
import { withinPaths } from "./scope.js";

// A renamed campaign is a new taskName with an old definition: submitted again, it would call the
// same people a second time. `renamedFrom` makes it a move of the state entry; without it, a
// create that matches a campaign still running on the platform is refused.

export interface MoveSource {
  from: string;
  applied: CampaignState;
}

export interface Moves {
  /** By the new taskName: the state entry it moves from (a valid renamedFrom). */
  sources: Map<string, MoveSource>;
  /** The old names those moves take: neither orphaned nor compared for renames. */
  claimed: Set<string>;
  findings: Diagnostic[];
}

/** Checks each renamedFrom against the state and the declared campaigns (errors at its line). */
export function resolveMoves(
  desired: readonly DesiredCampaign[],
  declared: ReadonlyMap<string, DesiredCampaign>,
  campaigns: Readonly<Record<string, CampaignState>> | undefined,
  scope: readonly string[] | undefined,
): Moves {
  const moves: Moves = { sources: new Map(), claimed: new Set(), findings: [] };
  const claimedBy = new Map<string, DesiredCampaign>();
  for (const d of desired) {
    if (!d.renamedFrom) continue;
    const from = d.renamedFrom.taskName;
    const fail = (message: string, hint: string): void =>
      void moves.findings.push({
        severity: "error",
        code: "renamed-from-invalid",
        message: `renamedFrom: ${message}`,
        hint,
        ...d.renamedFrom!.at,
      });
    const old = ownEntry(campaigns, from);
    const current = ownEntry(campaigns, d.taskName);
    const other = declared.get(from);
    if (from === d.taskName)
      fail(`"${from}" is this campaign's own name`, "name the taskName it had before, or remove renamedFrom");
    else if (current) {
      // Already moved (the file may keep renamedFrom): nothing to do. Anything else is a mix-up.
      if (old)
        fail(
          `"${d.taskName}" and "${from}" are both in the state; a move needs the new name free`,
          `remove renamedFrom (see campaign state show ${quoteArg(d.taskName)} and ${quoteArg(from)})`,
        );
      else if (current.renamedFrom !== from)
        fail(
          `"${from}" is not in the state, and "${d.taskName}" was not renamed from it`,
          "check the name (campaign state list), or remove renamedFrom",
        );
    } else if (!old)
      fail(
        `"${from}" is not in the state`,
        "check the name (campaign state list); without renamedFrom this is a new campaign",
      );
    else if (other)
      fail(
        `"${from}" is still declared (${other.source.file}:${other.source.line}); a rename moves it, so the old name must go`,
        `remove or rename the declaration of "${from}"`,
      );
    else if (claimedBy.has(from))
      fail(
        `"${from}" is already renamed to "${claimedBy.get(from)!.taskName}" (${claimedBy.get(from)!.source.file}:${claimedBy.get(from)!.source.line})`,
        "one campaign can take the old name's place, not two",
      );
    else if (!withinPaths(old.sourcePath, scope))
      fail(
        `"${from}" was ${old.sourcePath ? `declared in ${old.sourcePath}` : "declared in a file the state does not record"}, outside these paths: this plan cannot tell whether it is still declared`,
        "plan a directory holding both files, or the whole campaigns directory",
      );
    else if (old.status === "pending" || old.status === "unknown")
      fail(
        `the outcome of submitting "${from}" is unknown`,
        `resolve it first: campaign refresh, or campaign state resolve ${quoteArg(from)} --check`,
      );
    else if (old.status === "rejected" || old.status === "not-submitted")
      fail(
        `"${from}" was never created on the platform (${old.status}): there is nothing to move`,
        `remove renamedFrom, and drop the old entry with: campaign state forget ${quoteArg(from)}`,
      );
    else {
      moves.sources.set(d.taskName, { from, applied: old });
      moves.claimed.add(from);
      claimedBy.set(from, d);
    }
  }
  return moves;
}

/** How a campaign may still ring (for findings), or undefined when it cannot: ended, never created. */
export function stillRunning(applied: CampaignState): string | undefined {
  if (applied.status === "pending" || applied.status === "unknown") return "outcome unknown";
  if (applied.status !== "submitted" && applied.status !== "cancelled") return undefined;
  // What cancel: true would still stop is exactly what may still ring (a flow never refreshed counts).
  const left = plannedCancel(applied);
  if (!left) return undefined;
  if (!left.task.cancel) return `task ${left.task.status}, recall flow ${left.recallFlow?.status ?? "?"}`;
  return left.task.status === "calling"
    ? "calling now"
    : left.task.status === "suspended"
      ? "suspended"
      : "still scheduled";
}

/**
 * Each campaign about to be submitted against every state entry that is not declared and may
 * still ring — across the whole state, also outside the planned paths (fail safe): the same
 * definition but for the name is an error, the same recipients a warning.
 */
export function renameFindings(
  toSubmit: readonly DesiredCampaign[],
  declared: ReadonlyMap<string, DesiredCampaign>,
  campaigns: Readonly<Record<string, CampaignState>> | undefined,
  claimed: ReadonlySet<string>,
  scope: readonly string[] | undefined,
): Diagnostic[] {
  const running: { name: string; applied: CampaignState; how: string }[] = [];
  for (const [name, applied] of Object.entries(campaigns ?? {})) {
    const how = declared.has(name) || claimed.has(name) ? undefined : stillRunning(applied);
    if (how) running.push({ name, applied, how });
  }
  const findings: Diagnostic[] = [];
  for (const d of toSubmit) {
    const at = { file: d.source.file, line: d.source.line, column: 1 };
    for (const { name, applied, how } of running) {
      const inside = withinPaths(applied.sourcePath, scope);
      const what = `"${name}" (${applied.taskId ? `task ${applied.taskId}, ` : ""}${how}${inside ? "" : `; recorded from ${applied.sourcePath ?? "an unrecorded file"}, outside these paths`})`;
      const people = `${d.recipients} ${d.recipients === 1 ? "person" : "people"}`;
      if (applied.identityFreeHash !== undefined && applied.identityFreeHash === d.identityFreeHash) {
        findings.push({
          severity: "error",
          code: "looks-like-rename",
          message: `"${d.taskName}" has the same definition as ${what}: applying it would call the same ${people} again`,
          hint: `if it is "${name}" renamed, add renamedFrom: ${name} to its file (the state entry moves, nothing is sent)${inside ? "" : " and plan both files together"}; if both are meant to run, change one of them`,
          ...at,
        });
      } else if (applied.recipientsHash !== undefined && applied.recipientsHash === d.recipientsHash) {
        findings.push({
          severity: "warning",
          code: "same-recipients-as-orphan",
          message: `"${d.taskName}" calls the same ${people} as ${what}${inside ? ", which is no longer declared" : ""}; only the settings differ`,
          hint: `if "${d.taskName}" replaces it, stop "${name}" first: restore its file with cancel: true and apply`,
          ...at,
        });
      }
    }
  }
  return findings;
}

export const quoteArg = (name: string): string => (/^[\w.-]+$/.test(name) ? name : `'${name.replace(/'/g, "'\\''")}'`);
