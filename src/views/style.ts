/** Colour for people on a terminal; plain text everywhere else (the CLI decides which). */
export type Paint = (text: string) => string;

export function palette(color: boolean): Record<"red" | "yellow" | "green" | "bold" | "dim", Paint> {
  const wrap = (open: number, close: number): Paint =>
    color ? (t) => `\u001b[${open}m${t}\u001b[${close}m` : (t) => t;
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}
