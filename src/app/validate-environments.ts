import { sortDiagnostics, type Diagnostic } from "../diagnostics/index.js";
import type { CampaignValidity, ValidationReport } from "../schema/generated/index.js";

/**
 * `campaign validate` without an environment, in a config that declares some: one report of the
 * campaigns as every environment sees them (each may set other defaults, appId or campaignsDir).
 * A campaign is valid when it is valid in all of them; a finding made in some only says in which.
 */
export function combineValidations(each: readonly { name: string; report: ValidationReport }[]): ValidationReport {
  const found = new Map<string, { diagnostic: Diagnostic; in: string[] }>();
  const campaigns = new Map<string, CampaignValidity>();
  for (const { name, report } of each) {
    for (const diagnostic of report.diagnostics) {
      const key = JSON.stringify(diagnostic);
      const seen = found.get(key) ?? { diagnostic, in: [] };
      seen.in.push(name);
      found.set(key, seen);
    }
    for (const campaign of report.campaigns) {
      const key = JSON.stringify([campaign.file, campaign.line, campaign.taskName]);
      const seen = campaigns.get(key);
      campaigns.set(key, seen ? { ...seen, valid: seen.valid && campaign.valid } : campaign);
    }
  }
  const diagnostics = sortDiagnostics(
    [...found.values()].map(({ diagnostic, in: names }) =>
      names.length === each.length
        ? diagnostic
        : {
            ...diagnostic,
            message: `${diagnostic.message} (in environment${names.length === 1 ? "" : "s"} ${names.join(", ")})`,
          },
    ),
  );
  const list = [...campaigns.values()].map((c) => (c.valid ? c : { ...c, recipients: 0 }));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const valid = list.filter((c) => c.valid).length;
  return {
    formatVersion: 1,
    valid: errors === 0 && valid === list.length,
    summary: {
      campaigns: list.length,
      valid,
      invalid: list.length - valid,
      errors,
      warnings: diagnostics.length - errors,
      recipients: list.reduce((n, c) => n + c.recipients, 0),
    },
    campaigns: list,
    diagnostics,
  };
}
