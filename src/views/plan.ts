import type { CampaignPlan } from "../schema/generated/index.js";
import { jsonView, type OutputFormat } from "./format.js";
import { renderPlanMarkdown } from "./plan-markdown.js";
import { renderPlanText } from "./plan-text.js";
import { palette } from "./style.js";

/** A plan in the format asked for: text for people (coloured on a terminal), markdown, or JSON. */
export function renderPlan(
  plan: CampaignPlan,
  format: OutputFormat,
  options: { color: boolean; quiet: boolean },
): string {
  switch (format) {
    case "json":
      return jsonView(plan);
    case "markdown":
      return renderPlanMarkdown(plan);
    case "text":
      return renderPlanText(plan, palette(options.color), { quiet: options.quiet });
  }
}
