// `extends`: a campaign (or a base) names bases whose fields lie under its own. Each base file is
// read and parsed once per load; the composition is worked out per campaign (maps only, lists
// shared), so no campaign ever waits for another's composition (a cycle cannot deadlock).
import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { FileProblem } from "../files/index.js";
import { pathToPointer } from "./field-path.js";
import { referencedFileProblem, type OutsideProject } from "./file-problems.js";
import { composeLayers, isPlainMap, mergeValues, ownValueAt, withoutKeys, type CampaignSource } from "./layers.js";
import type { CampaignFileReader } from "./load.js";
import { parseYamlFile, type SourceDocument } from "./yaml-documents.js";

/** Bases in one chain (a extends b extends c …): deeper is a design no reviewer can follow. */
export const MAX_EXTENDS_DEPTH = 8;
/** Bases read for one campaign, counting each time one is reached (a diamond counts twice). */
export const MAX_BASES_PER_CAMPAIGN = 32;

type BaseRead =
  | { ok: true; document: SourceDocument; inexact: Diagnostic[] }
  /** `problem`: the file cannot be read; without one, its own errors are reported at the base. */
  | { ok: false; problem?: FileProblem | OutsideProject };

/** The base files of one load: each read and parsed once, its own problems reported once. */
export interface BaseFiles {
  read(file: string): Promise<BaseRead>;
  /** Problems in the base files themselves (syntax, several documents, not a mapping), once each. */
  diagnostics(): Promise<Diagnostic[]>;
  /** Every base file looked at. */
  files(): string[];
}

export function baseFiles(reader: CampaignFileReader): BaseFiles {
  const cache = new Map<string, Promise<{ read: BaseRead; diagnostics: Diagnostic[] }>>();
  return {
    read: async (file) => {
      let entry = cache.get(file);
      if (!entry) cache.set(file, (entry = readBase(file, reader)));
      return (await entry).read;
    },
    diagnostics: async () => (await Promise.all(cache.values())).flatMap((entry) => entry.diagnostics),
    files: () => [...cache.keys()],
  };
}

async function readBase(
  file: string,
  reader: CampaignFileReader,
): Promise<{ read: BaseRead; diagnostics: Diagnostic[] }> {
  const text = await reader.readText(file, "campaign base");
  // A file that cannot be read is reported where each campaign names it (missing, outside the project).
  if (!text.ok) return { read: { ok: false, problem: text.problem }, diagnostics: [] };
  const parsed = parseYamlFile(file, text.text, "campaign base");
  const diagnostics = [...parsed.diagnostics, ...shapeProblems(file, parsed.documents, parsed.brokenDocuments)];
  const document = parsed.documents[0];
  const failed = !document || diagnostics.some((d) => d.severity === "error" && d.code !== "inexact-number");
  // An inexact number leaves the base usable for positions; it makes each campaign using it invalid.
  const inexact = diagnostics.filter((d) => d.code === "inexact-number");
  return { read: failed ? { ok: false } : { ok: true, document, inexact }, diagnostics };
}

/** A base is one YAML document holding a mapping of campaign fields, without forEach. */
function shapeProblems(file: string, documents: SourceDocument[], broken: SourcePosition[]): Diagnostic[] {
  const starts = [...documents.map((d) => d.start), ...broken].sort((a, b) => a.line - b.line);
  const document = documents[0];
  if (starts.length > 1)
    return [
      errorAt({
        code: "base-several-documents",
        message: `the base ${file} holds ${starts.length} YAML documents; a base is one document`,
        hint: "move the other documents into bases (or campaign files) of their own",
        at: starts[1]!,
      }),
    ];
  if (starts.length === 0)
    return [
      errorAt({
        code: "base-empty",
        message: `the base ${file} holds no fields`,
        hint: "write the shared fields into it, or remove it from extends",
        at: { file, line: 1, column: 1 },
      }),
    ];
  if (document && !isPlainMap(document.value))
    return [
      errorAt({
        code: "base-not-a-mapping",
        message: `the base ${file} must be a mapping of campaign fields`,
        hint: "write one field: value per line, as in a campaign",
        at: document.start,
      }),
    ];
  if (document && ownValueAt(document.value, ["forEach"]) !== undefined)
    return [
      errorAt({
        code: "for-each-in-base",
        message: "forEach belongs in a campaign document, not in a base",
        hint: "move forEach into the campaign that extends this base",
        at: document.locateKey(["forEach"]),
        field: "/forEach",
      }),
    ];
  return [];
}

export interface Extended {
  /** The campaign with its bases merged under it (the document itself when it extends nothing). */
  source: CampaignSource;
  /** False when a base could not be used (the campaign is invalid; why is among the diagnostics). */
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Inexact numbers in the bases used: each makes the campaign invalid. */
  inexact: Diagnostic[];
}

interface Walk {
  reader: CampaignFileReader;
  bases: BaseFiles;
  diagnostics: Diagnostic[];
  inexact: Diagnostic[];
  visits: number;
  ok: boolean;
}

/** Merges the bases a document extends under it; a document without `extends` is returned as it is. */
export async function extendDocument(
  document: CampaignSource,
  reader: CampaignFileReader,
  bases: BaseFiles,
): Promise<Extended> {
  if (!isPlainMap(document.value) || !Object.hasOwn(document.value, "extends"))
    return { source: document, ok: true, diagnostics: [], inexact: [] };
  const walk: Walk = { reader, bases, diagnostics: [], inexact: [], visits: 0, ok: true };
  const source = await compose(document, [document.file], walk);
  return { source, ok: walk.ok, diagnostics: walk.diagnostics, inexact: walk.inexact };
}

async function compose(document: CampaignSource, chain: readonly string[], walk: Walk): Promise<CampaignSource> {
  const value = document.value as Record<string, unknown>;
  if (!Object.hasOwn(value, "extends")) return document;
  const own: CampaignSource = { ...document, value: withoutKeys(value, ["extends"]) };
  const written = value["extends"];
  const entries = Array.isArray(written) ? written : [written];
  const fail = (diagnostic: Diagnostic): void => {
    walk.diagnostics.push(diagnostic);
    walk.ok = false;
  };
  const bases: CampaignSource[] = [];
  for (let index = 0; index < entries.length; index++) {
    const path = Array.isArray(written) ? ["extends", index] : ["extends"];
    const at = document.locate(path);
    const entry = entries[index];
    const wrong = entryProblem(entry);
    if (wrong !== undefined) {
      fail(
        errorAt({ code: "invalid-extends", message: wrong.message, hint: wrong.hint, at, field: pathToPointer(path) }),
      );
      continue;
    }
    const file = walk.reader.resolve(document.file, entry as string);
    if (chain.includes(file)) {
      fail(
        errorAt({
          code: "extends-cycle",
          message: `extends goes round in a cycle: ${[...chain, file].join(" → ")}`,
          hint: "a base cannot extend, directly or through other bases, the file that extends it",
          at,
          field: pathToPointer(path),
        }),
      );
      continue;
    }
    walk.visits++;
    if (chain.length > MAX_EXTENDS_DEPTH || walk.visits > MAX_BASES_PER_CAMPAIGN) {
      fail(
        errorAt({
          code: "extends-too-deep",
          message:
            chain.length > MAX_EXTENDS_DEPTH
              ? `extends reaches more than ${MAX_EXTENDS_DEPTH} bases deep: ${[...chain, file].join(" → ")}`
              : `this campaign reaches more than ${MAX_BASES_PER_CAMPAIGN} bases through extends`,
          hint: "fold bases together: a campaign should be readable with its few bases open beside it",
          at,
          field: pathToPointer(path),
        }),
      );
      break;
    }
    const read = await walk.bases.read(file);
    if (!read.ok) {
      if (read.problem)
        fail(
          referencedFileProblem(read.problem, {
            name: "extends",
            written: maskSensitiveText(entry as string),
            file,
            referencedAt: at,
            field: pathToPointer(path),
            relativeTo: `the file that names it (${document.file})`,
          }),
        );
      else walk.ok = false; // the base's own errors are reported once, at the base
      continue;
    }
    walk.inexact.push(...read.inexact);
    bases.push(await compose(read.document, [...chain, file], walk));
  }
  // Applied in order: each base over the ones before it, the document over them all.
  let merged: unknown = {};
  for (const base of bases) merged = mergeValues(merged, base.value);
  merged = mergeValues(merged, own.value);
  return composeLayers(own, bases.reverse(), merged);
}

function entryProblem(entry: unknown): { message: string; hint: string } | undefined {
  if (typeof entry !== "string" || entry.trim() === "")
    return {
      message: "extends must name a base file, or list base files",
      hint: "write extends: _base.yaml or extends: [_collections.yaml, _india.yaml] (paths relative to this file)",
    };
  if (!/\.ya?ml$/.test(entry))
    return {
      message: `extends ${maskSensitiveText(entry)} must name a .yaml or .yml file`,
      hint: "a base is a YAML file of campaign fields, e.g. _collections.yaml",
    };
  if (entry.includes("${"))
    return {
      message: `extends ${maskSensitiveText(entry)} holds a placeholder; bases are chosen before forEach rows are read`,
      hint: "name the base file itself; put what differs per row into the campaign",
    };
  return undefined;
}
