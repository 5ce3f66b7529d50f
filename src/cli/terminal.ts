/** Where the CLI writes, and whether it may colour: passed to commands so tests can capture. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  isTTY: boolean;
  /** Asks on the terminal; absent when there is no one to ask (CI, pipes): never prompt then. */
  ask?(question: string): Promise<string>;
}

export function processTerminal(options: { color?: boolean }): Terminal {
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

async function ask(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export type Paint = (text: string) => string;

export function palette(color: boolean): Record<"red" | "yellow" | "green" | "bold" | "dim", Paint> {
  const wrap = (open: number, close: number): Paint => (color ? (t) => `\u001b[${open}m${t}\u001b[${close}m` : (t) => t);
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}
