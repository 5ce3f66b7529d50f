// Help texts longer than a line, shown by --help: what the exit codes and JSON output mean, and
// what a signal does to a command that talks to the platform.

/** After the root command's help. */
export const ROOT_HELP =
  "\nExit codes: 0 ok · 1 error or invalid input · 2 plan has changes (--detailed-exitcode)\n" +
  "            3 saved plan is stale · 4 state is locked · 5 apply ended with outcomes unknown\n" +
  "            130 interrupted (SIGINT/SIGTERM) with no outcome unknown\n" +
  "With --format json, stdout holds one JSON document, also on failure: {formatVersion, error: {code, message, hint, …}}.\n" +
  "  On success it is the command's result (schemas/; command-result.schema.json for refresh, state resolve/forget/\n" +
  "  migrate, force-unlock, init, reports import, receive, simulator); warnings and progress go to stderr.\n" +
  "  receive and simulator print theirs as one line once they listen, then run until a signal; demo refuses json.\n";

/** After the help of the commands that query the platform under the state lock (refresh, resolve --check). */
export const STOP_HELP =
  "Ctrl-C / SIGTERM: queries in flight are aborted; what the platform answered before is recorded, nothing else;\n" +
  "  the lock is released; exit 130 (1 when a campaign failed).\n";
