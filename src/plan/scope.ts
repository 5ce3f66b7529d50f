/**
 * Whether a state entry's recorded campaign file lies inside the planned paths. `scope` holds
 * those paths relative to the project root (`/` separators, "" = the root itself); undefined =
 * the whole state (no paths given, or paths covering the campaigns directory). An entry that
 * records no file (a state written before files were recorded) is inside only the whole state.
 */
export function withinPaths(sourcePath: string | undefined, scope: readonly string[] | undefined): boolean {
  if (scope === undefined) return true;
  if (sourcePath === undefined) return false;
  return scope.some((path) => path === "" || sourcePath === path || sourcePath.startsWith(`${path}/`));
}
