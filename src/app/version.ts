import { readFileSync } from "node:fs";

/** The package's version; a module of its own so `campaign --version` loads nothing else. */
export const TOOL_VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
