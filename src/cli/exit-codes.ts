import type { ErrorCode } from "../errors/index.js";

/** The one table of exit codes (DESIGN.md, "CLI contract"). */
export const ExitCode = {
  ok: 0,
  error: 1,
  changes: 2,
  stalePlan: 3,
  locked: 4,
  outcomeUnknown: 5,
  /** SIGINT/SIGTERM ended the command and no outcome is unknown (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(code: ErrorCode): ExitCode {
  switch (code) {
    case "usage":
    case "path-not-found":
    case "file-unreadable":
    case "config-invalid":
    case "config-not-found":
    case "environment-required":
    case "unknown-environment":
    case "invalid-input":
    case "state-corrupt":
    case "state-too-new":
    case "lock-mismatch":
    case "plan-invalid":
    case "plan-has-errors":
    case "approval-needed":
    case "not-found":
    case "credentials-missing":
    case "backend-unreachable":
    case "state-conflict":
    case "state-exists":
    case "output-refused":
      return ExitCode.error;
    case "plan-stale":
    case "plan-tampered":
      return ExitCode.stalePlan;
    case "state-locked":
      return ExitCode.locked;
    case "interrupted":
      return ExitCode.interrupted;
  }
}
