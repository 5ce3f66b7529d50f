// From a campaign document to the campaigns it declares: its bases merged under it (extends),
// then one campaign per forEach row. A document with neither is passed on as it is.
import type { Diagnostic, SourcePosition } from "../diagnostics/index.js";
import type { CampaignNotes } from "./campaign-notes.js";
import { extendDocument, type BaseFiles } from "./extends.js";
import { expandForEach, hasForEach } from "./for-each.js";
import { isPlainMap, type CampaignSource } from "./layers.js";
import type { CampaignFileReader } from "./load.js";
import type { SourceDocument } from "./yaml-documents.js";

/** What one load shares across its campaigns. */
export interface ExpandContext {
  reader: CampaignFileReader;
  bases: BaseFiles;
  notes: CampaignNotes;
  /** forEach rows files read. */
  rowFiles: Set<string>;
}

export interface DocumentCampaigns {
  sources: CampaignSource[];
  /** Where a campaign starts that could not be put together (it counts as invalid). */
  broken: SourcePosition[];
  diagnostics: Diagnostic[];
  /** Inexact numbers in the bases: each makes the campaigns invalid. */
  inexact: Diagnostic[];
}

export async function documentCampaigns(document: SourceDocument, context: ExpandContext): Promise<DocumentCampaigns> {
  const value = document.value;
  if (!isPlainMap(value) || (!Object.hasOwn(value, "extends") && !Object.hasOwn(value, "forEach")))
    return { sources: [document], broken: [], diagnostics: [], inexact: [] };
  const extended = await extendDocument(document, context.reader, context.bases);
  const source: CampaignSource = { ...extended.source, origin: {} };
  const taskName = typeof value["taskName"] === "string" ? value["taskName"] : undefined;
  const diagnostics = context.notes.note(extended.diagnostics, source, taskName);
  if (!extended.ok) return { sources: [], broken: [document.start], diagnostics, inexact: extended.inexact };
  if (!hasForEach(source)) return { sources: [source], broken: [], diagnostics, inexact: extended.inexact };
  const expanded = await expandForEach(source, context.reader);
  if (expanded.file !== undefined) context.rowFiles.add(expanded.file);
  diagnostics.push(...context.notes.note(expanded.diagnostics, source, taskName));
  return {
    sources: expanded.campaigns,
    broken: expanded.ok ? [] : [document.start],
    diagnostics,
    inexact: extended.inexact,
  };
}
