// The schema editors use for bases (`_*.yaml`, read through extends) and forEach templates: the
// campaign schema without its required fields and cross-field rules (a base holds only some
// fields; the merged campaign is checked when it is loaded), and with `${column}` accepted in any
// value (a template's placeholders are filled from its rows before the campaign is checked).
// Generated from campaign.schema.json by generate-types.mjs, never edited by hand.

export const PARTIAL_SCHEMA_FILE = "generated/campaign-partial.schema.json";

const PLACEHOLDER = { type: "string", pattern: "\\$\\{[^}]+\\}", description: "A ${column} of the forEach rows." };
const SCALARS = new Set(["string", "integer", "number", "boolean", "null"]);
const CROSS_FIELD = ["required", "if", "then", "else", "$comment"];
// The tool's own keywords are written as they are: no placeholders in them.
const AS_WRITTEN = new Set(["extends", "forEach"]);

export function partialSchema(campaign) {
  const schema = partial(structuredClone(campaign));
  delete schema.definitions.recallNumMatchesNodeList; // referenced only by the rules removed
  return {
    $schema: schema.$schema,
    $id: schema.$id.replace("campaign.schema.json", PARTIAL_SCHEMA_FILE),
    title: "CampaignPartial",
    description:
      "A base (a _*.yaml partial named in extends) or a forEach template: any of a campaign's fields, each checked as in campaign.schema.json, ${column} placeholders allowed in values. Required fields and cross-field rules are checked on the campaign once it is put together. Generated from campaign.schema.json.",
    ...Object.fromEntries(
      Object.entries(schema).filter(([key]) => !["$schema", "$id", "title", "description"].includes(key)),
    ),
  };
}

function partial(node) {
  if (Array.isArray(node)) return node.map(partial);
  if (node === null || typeof node !== "object") return node;
  for (const key of CROSS_FIELD) delete node[key];
  for (const key of ["properties", "definitions"])
    if (node[key])
      for (const [name, child] of Object.entries(node[key]))
        node[key][name] = key === "properties" && AS_WRITTEN.has(name) ? child : placeholderOr(partial(child));
  if (node.items) node.items = placeholderOr(partial(node.items));
  if (node.additionalProperties && typeof node.additionalProperties === "object")
    node.additionalProperties = placeholderOr(partial(node.additionalProperties));
  for (const key of ["oneOf", "anyOf", "allOf"])
    if (node[key]) node[key] = node[key].map((branch) => placeholderOr(partial(branch)));
  return node;
}

/** A scalar field also takes a placeholder; maps, lists and references are walked instead. */
function placeholderOr(node) {
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (node.type === undefined || !types.every((t) => SCALARS.has(t))) return node;
  const { description, ...rule } = node;
  return { ...(description !== undefined ? { description } : {}), anyOf: [rule, PLACEHOLDER] };
}
