import type { DesiredCampaign } from "../plan/index.js";
import { moveCampaign, type StateWriter } from "../state/index.js";
import type { ApplyEvent, ApplyOutcome } from "./engine.js";

export interface MoveChange {
  /** The state entry's name now. */
  from: string;
  /** The campaign as declared under its new name (reviewed: its definition hash is the plan's). */
  desired: DesiredCampaign;
  /** The name the task keeps on the platform. */
  platformTaskName: string;
}

export interface MovesInput {
  moves: readonly MoveChange[];
  writer: StateWriter;
  /** Who applies, for the history. */
  by: string;
  now(): number;
  emit(event: ApplyEvent): void;
}

/** Reviewed renames: the state entries move to their new names. Nothing is sent to the platform. */
export async function executeMoves(input: MovesInput): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const move of input.moves) {
    await input.writer.commit(moveCampaign(move.from, move.desired, input.by, input.now()));
    const taskName = move.desired.taskName;
    input.emit({ type: "moved", taskName, from: move.from });
    outcomes.push({ taskName, status: "moved", renamedFrom: move.from, platformTaskName: move.platformTaskName });
  }
  return outcomes;
}
