import type { InitReport } from "../schema/generated/index.js";
import { jsonView, type OutputFormat } from "./format.js";

/** `campaign init`: what was scaffolded, and the next steps (json: the report). */
export function renderInit(report: InitReport, format: OutputFormat): string {
  if (format === "json") return jsonView(report);
  const shown = report.directory;
  const scaffolded = report.files.filter((file) => file.path !== ".gitignore").map((file) => `  ${file.path}`);
  const added = report.files.find((file) => file.path === ".gitignore")?.linesAdded ?? 0;
  return [
    `Scaffolded a campaigns repository in ${shown}:`,
    ...scaffolded,
    `  .gitignore (${added} line${added === 1 ? "" : "s"} added)`,
    "",
    "Next:",
    "  1. set appId in campaigns/example.yaml (or api.appId in campaign.config.yaml), and staging's",
    "     api.appId; put your testers' numbers in staging/campaigns/tester.yaml (its number is a placeholder)",
    `  2. campaign validate${shown === "." ? "" : ` (in ${shown})`}, then campaign plan --env staging`,
    "  3. add LAAFFIC_API_KEY and LAAFFIC_API_SECRET as secrets of the GitHub environments staging and",
    "     production (each account its own), and give production required reviewers",
    "  4. try it without an account: campaign demo",
    "",
  ].join("\n");
}
