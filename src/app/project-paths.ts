import { relative, resolve, sep } from "node:path";
import { withinPaths } from "../plan/index.js";

/** A path as the state records it: relative to the project root, with `/` separators. */
export function projectPath(root: string, cwd: string, path: string): string {
  return relative(root, resolve(cwd, path)).split(sep).join("/");
}

/**
 * What a plan over `paths` judges of the state: undefined = all of it (no paths given, or one
 * that covers the campaigns directory), else the paths as the state records them.
 */
export function planScope(
  root: string,
  cwd: string,
  campaignsDir: string,
  paths: readonly string[],
): string[] | undefined {
  if (paths.length === 0) return undefined;
  const scope = paths.map((path) => projectPath(root, cwd, path));
  const campaigns = projectPath(root, cwd, campaignsDir);
  return scope.some((path) => withinPaths(campaigns, [path])) ? undefined : scope;
}
