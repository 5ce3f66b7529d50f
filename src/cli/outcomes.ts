import { writeOptOuts } from "../app/opt-outs.js";
import { showDetailedOutcomes, showOutcomes, type OutcomesInput } from "../app/outcomes.js";
import { showRecipientOutcomes } from "../app/recipient-outcomes.js";
import { writeUnreached } from "../app/unreached.js";
import { ToolError } from "../errors/index.js";
import { renderOutcomes } from "../views/outcomes.js";
import { recipientsWrittenJson, renderOutcomesExport } from "../views/outcomes-export.js";
import { renderOutcomesHtml } from "../views/outcomes-html.js";
import { renderRecipientOutcomes } from "../views/recipient-outcomes.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

export interface OutcomesOptions extends OutcomesInput {
  recipients?: boolean;
  reveal?: boolean;
  unreached?: boolean;
  outcomes?: string;
  beforeFinished?: boolean;
  optOuts?: boolean;
}

/** `campaign outcomes [NAME]`: totals per campaign, or one campaign's recipients, its unreached, the opt-outs. */
export async function outcomesCommand(
  name: string | undefined,
  flags: OutcomesOptions,
  options: GlobalOptions,
  context: CliContext,
): Promise<ExitCode> {
  const mode = modeOf(name, flags, options);
  const store = flags.store !== undefined ? { store: flags.store } : {};
  if (mode === "unreached" || mode === "opt-outs") {
    const out = flags.out!;
    const result =
      mode === "unreached"
        ? await writeUnreached(
            name!,
            {
              ...store,
              out,
              ...(flags.outcomes ? { outcomes: flags.outcomes } : {}),
              beforeFinished: flags.beforeFinished === true,
            },
            options,
            context,
          )
        : await writeOptOuts(name, { ...store, out }, options, context);
    context.terminal.out(renderOutcomesExport(result, options.format));
    return ExitCode.ok;
  }
  const format = options.reportFormat ?? options.format;
  const input = { ...store, ...(flags.out !== undefined ? { out: flags.out } : {}) };
  const { text } =
    mode === "recipients"
      ? await showRecipientOutcomes(name!, { ...input, reveal: flags.reveal === true }, options, context, (report) =>
          renderRecipientOutcomes(report, options.reportFormat === "csv" ? "csv" : options.format),
        )
      : options.reportFormat === "html"
        ? await showDetailedOutcomes(name, input, options, context, renderOutcomesHtml)
        : await showOutcomes(name, input, options, context, (report) => renderOutcomes(report, options.format));
  if (flags.out !== undefined)
    context.terminal.err(
      `Wrote the ${mode === "recipients" ? "recipient outcomes" : "outcomes"} (${format}) to ${flags.out}.\n`,
    );
  if (flags.out === undefined) context.terminal.out(text);
  // With --out in JSON, stdout still gets a document: the totals themselves (as plan --out does: they
  // hold no number); for --recipients a small one naming the file, as its rows may hold full numbers.
  else if (options.format === "json")
    context.terminal.out(mode === "recipients" ? recipientsWrittenJson(flags.out, format) : text);
  return ExitCode.ok;
}

type Mode = "campaigns" | "recipients" | "unreached" | "opt-outs";

/** Which view the flags ask for; a combination that makes no sense is a usage error saying why. */
function modeOf(name: string | undefined, flags: OutcomesOptions, options: GlobalOptions): Mode {
  const asked = (["recipients", "unreached", "opt-outs"] as const).filter((m) =>
    m === "opt-outs" ? flags.optOuts : flags[m],
  );
  if (asked.length > 1) throw usage(`--${asked.join(" and --")} cannot be combined`, "ask for one view at a time");
  const mode: Mode = asked[0] ?? "campaigns";
  if ((mode === "recipients" || mode === "unreached") && name === undefined)
    throw usage(
      `--${mode} needs a campaign: campaign outcomes NAME --${mode}`,
      "campaign state list shows the applied campaigns",
    );
  if ((mode === "unreached" || mode === "opt-outs") && flags.out === undefined)
    throw usage(
      `--${mode} writes a file and needs --out FILE: its numbers are never printed`,
      mode === "unreached"
        ? `e.g. campaign outcomes ${name ?? "NAME"} --unreached --out unreached.csv`
        : "e.g. campaign outcomes --opt-outs --out lists/opt-outs.txt",
    );
  if (flags.outcomes !== undefined && mode !== "unreached")
    throw usage("--outcomes narrows --unreached and needs it", "e.g. --unreached --outcomes no-answer,busy --out FILE");
  if (flags.reveal && mode !== "recipients")
    throw usage(
      "--reveal shows full numbers in --recipients and needs it",
      mode === "campaigns" ? "the totals hold no numbers" : "the file --out writes holds full numbers already",
    );
  const format = options.reportFormat;
  if (format === "csv" && mode !== "recipients")
    throw usage("--format csv is for --recipients", "the totals come as text, markdown, json or html");
  if (format === "html" && mode !== "campaigns")
    throw usage(`--format html is for the totals, not --${mode}`, "use --format text, markdown, json or csv");
  return mode;
}

const usage = (message: string, hint: string): ToolError => new ToolError("usage", message, hint);
