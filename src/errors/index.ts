/**
 * The one error type the tool raises for conditions a user can act on. The CLI maps `code`
 * to an exit code in one place (src/cli/exit-codes.ts) and prints `message` + `hint`,
 * never a stack trace.
 */
export type ErrorCode =
  | "usage"
  | "path-not-found"
  | "file-unreadable"
  | "config-invalid"
  | "config-not-found"
  | "invalid-input"
  | "state-corrupt"
  | "state-too-new"
  | "state-locked"
  | "lock-mismatch"
  | "plan-stale"
  | "plan-invalid"
  | "plan-has-errors"
  | "approval-needed"
  | "not-found"
  | "credentials-missing"
  | "backend-unreachable"
  | "state-conflict"
  | "state-exists";

export class ToolError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = "ToolError";
    this.code = code;
    this.hint = hint;
  }
}

export function isToolError(value: unknown): value is ToolError {
  return value instanceof ToolError;
}
