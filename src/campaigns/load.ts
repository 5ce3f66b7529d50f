import { hasErrors, warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import type { TextRead } from "../files/index.js";
import type { Campaign, CampaignDefaults, NumberInfo } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";
import { fileProblem, referencedFileProblem, type OutsideProject } from "./file-problems.js";
import { examineRecipients, type Audience, type NumberChecks } from "./audience.js";
import { duplicateCallees, duplicateTaskNames, sendTimePassed, tooManyRecipients, unknownTimeZone } from "./checks.js";
import { createNumberClassifier } from "./phone-numbers.js";
import { readNumberFormats } from "./number-formats.js";
import { parseRecipientsCsv } from "./recipients-csv.js";
import { csvReading, recipientsFileOf, recipientsFileRefused } from "./recipients-source.js";
import { describeSchemaErrors, type Locator } from "./schema-errors.js";
import { campaignNotes } from "./campaign-notes.js";
import { documentCampaigns, type ExpandContext } from "./expand.js";
import { baseFiles } from "./extends.js";
import type { CampaignSource } from "./layers.js";
import { partialNameWanted, partialSkipped } from "./partials.js";
import { appIdOverridesEnvironment, type EnvironmentAppId } from "./app-id.js";
import { pathToPointer } from "./field-path.js";
import { placeholdersOutsideTemplate, taskNameNumbers } from "./literal-text.js";
import { parseYamlFile, type FieldPath } from "./yaml-documents.js";

/** The filesystem, passed in: loading itself does no I/O. */
export interface CampaignFileReader {
  /** The file's text, or why it cannot be read (missing, not a regular file, too large, not UTF-8, outside the project). */
  readText(path: string, kind: InputFileKind): Promise<TextRead | { ok: false; problem: OutsideProject }>;
  /** `relative` resolved against the directory of `fromFile`, in the form diagnostics show. */
  resolve(fromFile: string, relative: string): string;
}

export type InputFileKind =
  "campaign file" | "campaign base" | "forEach rows file" | "recipients file" | "suppression list";
export type { OutsideProject };

export interface CampaignDefaultsSource {
  values: CampaignDefaults;
  /** Where a default is written (the config file), for errors in merged-in values. */
  locate(path: FieldPath): SourcePosition;
  /** The api.appId the chosen environment sets itself: a campaign's other appId is warned about. */
  environmentAppId?: EnvironmentAppId;
}

export interface LoadOptions {
  files: readonly string[];
  reader: CampaignFileReader;
  /** Milliseconds since the epoch; the clock is passed in. */
  now: number;
  /** The platform's time zone, in which sendTime is read. */
  timeZone: string;
  defaults?: CampaignDefaultsSource;
  /** Called with each valid campaign as soon as it is loaded (in no particular order). */
  onLoaded?: (campaign: LoadedCampaign) => void;
  /**
   * false: drop each campaign's recipients once onLoaded has seen them, so a plan over a million
   * numbers never holds them all at once (counts stay in recipientCount).
   */
  keepRecipients?: boolean;
  /** How callee numbers are checked (default: libphonenumber metadata, invalid numbers are errors). */
  numbers?: NumberChecks;
  /** The campaigns directories (as the files' paths are written): a file in a `_` folder below one is a partial. */
  campaignsDirs?: readonly string[];
  /** Numbers of a campaign that will not be called (suppressed: skip): checked, but not in its audience. */
  leaveOut?: (campaign: Campaign) => ((calleeNumber: string) => boolean) | undefined;
}

export interface LoadedCampaign {
  taskName: string | undefined;
  /** Where the campaign's document starts (a forEach template's, for the campaigns it generates). */
  source: SourcePosition;
  /** The forEach row a generated campaign comes from. */
  row?: SourcePosition;
  /** The recipients CSV, resolved from the file that names it (the campaign's, or a base's). */
  recipientsPath?: string;
  valid: boolean;
  /** The campaign as declared, its bases and then config defaults merged under it. Meaningful only when valid. */
  campaign: Campaign;
  /** Inline numberInfoList entries followed by the recipientsFile rows (empty when not kept). */
  recipients: NumberInfo[];
  recipientCount: number;
  /** Numbers numberFormat rewrote to digits (inline and in the recipientsFile); absent when none. */
  numbersRewritten?: number;
  /** Countries, time zones and the set of numbers (kept when the recipients are dropped). */
  audience?: Audience;
  /** Where `renamedFrom` is written: findings about the rename point there. */
  renamedFromAt?: SourcePosition;
}

export interface LoadResult {
  campaigns: LoadedCampaign[];
  diagnostics: Diagnostic[];
  /** Bases and forEach rows files read (besides the campaign files and recipients CSVs). */
  inputFiles: string[];
}

/** Loads campaign files: parse, merge bases and defaults, generate forEach rows, validate, read recipients, then cross-campaign checks. */
export async function loadCampaigns(options: LoadOptions): Promise<LoadResult> {
  const campaigns: LoadedCampaign[] = [];
  const diagnostics: Diagnostic[] = [];
  options = { ...options, numbers: options.numbers ?? { classify: createNumberClassifier(), invalid: "error" } };
  const context: ExpandContext = {
    reader: options.reader,
    bases: baseFiles(options.reader),
    notes: campaignNotes(),
    rowFiles: new Set(),
  };
  // Files are read and parsed a few at a time (the CPU works while the disk reads), and the
  // results kept in file order so diagnostics and campaigns come out the same every run.
  const perFile = await mapLimited(options.files, FILES_IN_FLIGHT, (file) => loadFile(file, options, context));
  for (const result of perFile) {
    campaigns.push(...result.campaigns);
    diagnostics.push(...result.diagnostics);
  }
  diagnostics.push(...(await context.bases.diagnostics()));
  const asCampaigns = new Set(options.files);
  for (const file of context.rowFiles)
    if (asCampaigns.has(file)) diagnostics.push(partialNameWanted(file, "forEach rows"));
  // A campaign file may serve as a base too; one that is no valid campaign was meant as a base only.
  for (const file of context.bases.files())
    if (asCampaigns.has(file) && campaigns.some((c) => c.source.file === file && !c.valid))
      diagnostics.push(partialNameWanted(file, "a base"));
  const named = campaigns.filter((c): c is LoadedCampaign & { taskName: string } => typeof c.taskName === "string");
  // A generated campaign is told apart by its row: its template's line is every row's.
  const duplicates = duplicateTaskNames(named.map((c) => ({ taskName: c.taskName, at: c.row ?? c.source })));
  const seen = new Set<string>();
  for (const campaign of named) {
    if (seen.has(campaign.taskName)) campaign.valid = false;
    seen.add(campaign.taskName);
  }
  diagnostics.push(...duplicates);
  campaigns.sort((a, b) =>
    a.source.file < b.source.file ? -1 : a.source.file > b.source.file ? 1 : a.source.line - b.source.line,
  );
  return {
    campaigns,
    diagnostics: context.notes.finish(diagnostics),
    inputFiles: [...context.bases.files(), ...context.rowFiles],
  };
}

const FILES_IN_FLIGHT = 8;

async function loadFile(
  file: string,
  options: LoadOptions,
  context: ExpandContext,
): Promise<Omit<LoadResult, "inputFiles">> {
  const campaigns: LoadedCampaign[] = [];
  const diagnostics: Diagnostic[] = [];
  const partial = partialSkipped(file, options.campaignsDirs);
  if (partial) return { campaigns, diagnostics: [partial] };
  const read = await options.reader.readText(file, "campaign file");
  if (!read.ok) {
    diagnostics.push(fileProblem(read.problem, file));
    return { campaigns, diagnostics };
  }
  const parsed = parseYamlFile(file, read.text);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.documents.length === 0 && parsed.brokenDocuments.length === 0 && !hasErrors(parsed.diagnostics)) {
    diagnostics.push(
      warningAt({
        code: "empty-campaign-file",
        message: `${file} holds no campaign (it is empty, or only comments or ---)`,
        hint: "add a campaign, or delete the file",
        at: { file, line: 1, column: 1 },
      }),
    );
  }
  const broken = (start: SourcePosition): LoadedCampaign => ({
    taskName: undefined,
    source: start,
    valid: false,
    campaign: {} as Campaign,
    recipients: [],
    recipientCount: 0,
  });
  campaigns.push(...parsed.brokenDocuments.map(broken));
  for (const document of parsed.documents) {
    const declared = await documentCampaigns(document, context);
    diagnostics.push(...declared.diagnostics);
    campaigns.push(...declared.broken.map(broken));
    const fileDiagnostics =
      declared.inexact.length > 0 ? [...parsed.diagnostics, ...declared.inexact] : parsed.diagnostics;
    for (const source of declared.sources) {
      const loaded = await loadDocument(source, options, fileDiagnostics);
      diagnostics.push(...context.notes.note(loaded.diagnostics, source, loaded.campaign.taskName));
      campaigns.push(loaded.campaign);
    }
  }
  return { campaigns, diagnostics };
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function loadDocument(
  document: CampaignSource,
  options: LoadOptions,
  fileDiagnostics: readonly Diagnostic[],
): Promise<{ campaign: LoadedCampaign; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const declared = document.value;
  const isMapping = declared !== null && typeof declared === "object" && !Array.isArray(declared);
  const merged = isMapping ? { ...(options.defaults?.values ?? {}), ...(declared as object) } : declared;
  const locator = withDefaults(document, options.defaults);
  // Numbers written as a CRM writes them (numberFormat) are digits before the schema checks them.
  const numbers = readNumberFormats(merged, options.numbers!.classify, locator.locate);
  diagnostics.push(...numbers.diagnostics);
  diagnostics.push(...appIdOverridesEnvironment(declared, locator.locate, options.defaults?.environmentAppId));
  diagnostics.push(...placeholdersOutsideTemplate(declared, locator.locate, document.origin?.row !== undefined));
  if (isMapping)
    diagnostics.push(
      ...taskNameNumbers(
        (declared as { taskName?: unknown }).taskName,
        options.numbers!.classify,
        locator.locate(["taskName"]),
      ),
    );

  const validate = validators().campaign;
  if (!validate(numbers.campaign)) {
    // An inexact or unreadable number is already reported at its position; its schema error would say it twice.
    const taken = new Set(
      [...fileDiagnostics.filter((d) => d.code === "inexact-number"), ...numbers.diagnostics].map(
        (d) => `${d.file}:${d.line}:${d.column}`,
      ),
    );
    for (const d of describeSchemaErrors(validate.errors ?? [], numbers.campaign, locator)) {
      if (!taken.has(`${d.file}:${d.line}:${d.column}`)) diagnostics.push(d);
    }
  }
  const campaign = (isMapping ? numbers.campaign : {}) as Campaign;
  const recipients: NumberInfo[] = Array.isArray(campaign.numberInfoList) ? [...campaign.numberInfoList] : [];
  const inlineCount = recipients.length;
  let csvFile: string | undefined;
  let csvLineOf: (index: number) => number = () => 1;
  let rewritten = numbers.rewritten;
  const source =
    numbers.readFile && !recipientsFileRefused(diagnostics) ? recipientsFileOf(campaign.recipientsFile) : undefined;

  if (source && /\.csv$/.test(source.path)) {
    // Relative to the file it is written in: a base's recipientsFile lies beside the base.
    const referencedAt = locator.locate(source.pathAt);
    csvFile = options.reader.resolve(referencedAt.file, source.path);
    const read = await options.reader.readText(csvFile, "recipients file");
    if (!read.ok) {
      diagnostics.push(
        referencedFileProblem(read.problem, {
          name: "recipientsFile",
          written: source.path,
          file: csvFile,
          referencedAt,
          field: pathToPointer(source.pathAt),
          ...(referencedAt.file !== document.file
            ? { relativeTo: `the file it is written in (${referencedAt.file})` }
            : {}),
        }),
      );
    } else {
      const rows = parseRecipientsCsv(csvFile, read.text, csvReading(source, numbers.file, locator.locate));
      diagnostics.push(...rows.diagnostics);
      rewritten += rows.rewritten;
      csvLineOf = rows.lineOf;
      for (const row of rows.recipients) recipients.push(row);
    }
  }

  const valid = !hasErrors(diagnostics) && !hasErrors(fileDiagnostics.filter((d) => d.code === "inexact-number"));
  let audience: Audience | undefined;
  if (valid) {
    const positionOf = (index: number): SourcePosition =>
      index < inlineCount || !csvFile
        ? locator.locate(["numberInfoList", index, "calleeNumber"])
        : { file: csvFile, line: csvLineOf(index - inlineCount), column: 1 };
    const leftOut = options.leaveOut?.(campaign);
    const examined = examineRecipients(recipients, options.numbers!, positionOf, leftOut);
    audience = examined.audience;
    // Fewer distinct numbers than recipients called: only then look for where the repeats are.
    if (audience.numbers.length < recipients.length - examined.leftOut)
      diagnostics.push(...duplicateCallees(recipients, positionOf, leftOut));
    diagnostics.push(...examined.diagnostics);
    diagnostics.push(...unknownTimeZone(campaign.timezone, locator.locate(["timezone"])));
    diagnostics.push(...sendTimePassed(campaign.sendTime, options.now, options.timeZone, locator.locate(["sendTime"])));
    diagnostics.push(
      ...tooManyRecipients(
        recipients.length,
        locator.locate(campaign.recipientsFile ? ["recipientsFile"] : ["numberInfoList"]),
      ),
    );
  }
  const taskName = typeof campaign.taskName === "string" ? campaign.taskName : undefined;
  const loaded: LoadedCampaign = {
    taskName,
    source: document.start,
    ...(document.origin?.row ? { row: document.origin.row } : {}),
    ...(csvFile !== undefined ? { recipientsPath: csvFile } : {}),
    valid: valid && !hasErrors(diagnostics),
    campaign,
    recipients,
    recipientCount: recipients.length,
    ...(rewritten > 0 ? { numbersRewritten: rewritten } : {}),
    ...(audience ? { audience } : {}),
    ...(typeof campaign.renamedFrom === "string" ? { renamedFromAt: locator.locate(["renamedFrom"]) } : {}),
  };
  if (loaded.valid) options.onLoaded?.(loaded);
  if (options.keepRecipients === false) {
    loaded.recipients = [];
    loaded.campaign = { ...campaign, numberInfoList: [] };
  }
  return { campaign: loaded, diagnostics };
}

/** Errors in a value that came from the config's defaults point at the config file. */
function withDefaults(document: CampaignSource, defaults: CampaignDefaultsSource | undefined): Locator {
  const fromDefaults = (path: FieldPath): boolean =>
    defaults !== undefined && path.length > 0 && !document.has(path.slice(0, 1)) && String(path[0]) in defaults.values;
  return {
    locate: (path) => (fromDefaults(path) ? defaults!.locate(path) : document.locate(path)),
    locateKey: (path) => (fromDefaults(path) ? defaults!.locate(path) : document.locateKey(path)),
  };
}
