import { escapeTerminalOutput } from "../privacy/index.js";

/** Where the CLI writes, and whether it may colour: passed to commands so tests can capture. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  isTTY: boolean;
  /** Asks on the terminal; absent when there is no one to ask (CI, pipes): never prompt then. */
  ask?(question: string, signal?: AbortSignal): Promise<string>;
}

export function processTerminal(options: { color?: boolean }): Terminal {
  // `campaign plan | head`: the reader went away. What it did not read is not lost work, and a
  // command under way (an apply) must finish and record what it did: later writes are dropped.
  for (const stream of [process.stdout, process.stderr])
    if (stream.listenerCount("error") === 0)
      stream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") throw error;
      });
  const isTTY = Boolean(process.stdout.isTTY);
  const noColorEnv = process.env["NO_COLOR"] !== undefined && process.env["NO_COLOR"] !== "";
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: options.color !== false && isTTY && !noColorEnv && process.env["TERM"] !== "dumb",
    isTTY,
    ...(isTTY && process.stdin.isTTY ? { ask } : {}),
  };
}

async function ask(question: string, signal?: AbortSignal): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // On a terminal readline reads Ctrl-C as a key: deliver it as the SIGINT it stands for, so the
  // command's own interrupt handling runs (it aborts `signal`), or the default one when none listens.
  rl.on("SIGINT", () => {
    rl.close();
    process.kill(process.pid, "SIGINT");
  });
  try {
    return await rl.question(question, signal ? { signal } : {});
  } finally {
    rl.close();
  }
}

/**
 * Human output is escaped as it is written (renderers escape user text before painting, this is
 * the net under them): control characters never reach the terminal raw; line breaks and, on a
 * colour terminal, the tool's own colour codes stay. A JSON stdout is left as it is.
 */
export function escapingTerminal(terminal: Terminal, options: { jsonStdout: boolean }): Terminal {
  const keepColor = terminal.color;
  return {
    ...terminal,
    out: options.jsonStdout ? terminal.out : (text) => terminal.out(escapeTerminalOutput(text, { keepColor })),
    err: (text) => terminal.err(escapeTerminalOutput(text, { keepColor })),
  };
}
