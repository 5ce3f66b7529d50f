import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";

// Tests that run the CLI as a child process (crash, signal and durability tests) run dist/: a
// dist/ older than src/ would test yesterday's code. Refuse to start instead.
const ROOT = join(import.meta.dirname, "..");

async function* sources(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

export default async function checkBuild(): Promise<void> {
  const stale: string[] = [];
  for await (const source of sources(join(ROOT, "src"))) {
    const built = join(ROOT, "dist", relative(join(ROOT, "src"), source)).replace(/\.ts$/, ".js");
    const [src, out] = await Promise.all([stat(source), stat(built).catch(() => undefined)]);
    if (!out || out.mtimeMs < src.mtimeMs) stale.push(relative(ROOT, source));
  }
  if (stale.length > 0)
    throw new Error(
      `dist/ is older than src/ (${stale.slice(0, 3).join(", ")}${stale.length > 3 ? `, and ${stale.length - 3} more` : ""}): run npm run build first (npm test does)`,
    );
}
