/**
 * The one error type the tool raises for conditions a user can act on. The CLI maps `code`
 * to an exit code in one place (src/cli/exit-codes.ts) and prints `message` + `hint`,
 * never a stack trace.
 */
import type { Diagnostic } from "../schema/generated/index.js";

export type ErrorCode =
  | "usage"
  | "path-not-found"
  | "file-unreadable"
  | "config-invalid"
  | "config-not-found"
  | "environment-required"
  | "unknown-environment"
  | "invalid-input"
  | "state-corrupt"
  | "state-too-new"
  | "state-locked"
  | "lock-mismatch"
  | "plan-stale"
  | "plan-tampered"
  | "plan-invalid"
  | "plan-has-errors"
  | "approval-needed"
  | "not-found"
  | "credentials-missing"
  | "backend-unreachable"
  | "state-conflict"
  | "state-exists"
  | "output-refused"
  | "interrupted";

/** Where an error is, for `file:line:col` output and the JSON error document. */
export interface ErrorDetails {
  file?: string;
  line?: number;
  column?: number;
  /** The diagnostics that led to the error (already printed on stderr), for `--format json`. */
  diagnostics?: readonly Diagnostic[];
}

export class ToolError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, hint?: string, details: ErrorDetails = {}) {
    super(message);
    this.name = "ToolError";
    this.code = code;
    this.hint = hint;
    this.details = details;
  }
}

/** The first line of an error's message: engines put source excerpts (which may hold secrets) after it. */
export function firstLineOf(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0] ?? "";
}

export function isToolError(value: unknown): value is ToolError {
  return value instanceof ToolError;
}
