import type { Diagnostic } from "../diagnostics/index.js";

/**
 * What a use case may touch from outside, all passed in: the working directory, the
 * environment, the clock, and a sink for what it reports while it works. A use case never
 * prints, prompts or exits: it returns its result (rendered by a view) or throws a ToolError.
 */
export interface AppContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  now(): number;
  events: AppEvents;
}

/** What a use case says while it works (the CLI prints it on stderr; tests collect it). */
export interface AppEvents {
  /** Findings along the way: warnings, and the errors a failing command is about to throw (the sink orders them by file and line). */
  diagnostics(found: readonly Diagnostic[]): void;
  /** Text for people, with its line ending (a note, a warning that is no diagnostic, progress in plain words). */
  notice(text: string): void;
}

/** Events collected in memory: for use cases run inside another one, and for tests. */
export function collectingEvents(): AppEvents & { diagnosticsSeen: Diagnostic[]; notices: string[] } {
  const diagnosticsSeen: Diagnostic[] = [];
  const notices: string[] = [];
  return {
    diagnosticsSeen,
    notices,
    diagnostics: (found) => void diagnosticsSeen.push(...found),
    notice: (text) => void notices.push(text),
  };
}
