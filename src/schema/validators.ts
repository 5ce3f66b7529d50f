import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { campaignSchema, configSchema, planSchema, stateSchema, validationReportSchema } from "./generated/index.js";
import type { AppliedState, CampaignConfig, CampaignPlan, NumberInfo } from "./generated/index.js";

export type SchemaError = ErrorObject;

interface Validators {
  campaign: ValidateFunction;
  numberInfo: ValidateFunction<NumberInfo>;
  config: ValidateFunction<CampaignConfig>;
  state: ValidateFunction<AppliedState>;
  plan: ValidateFunction<CampaignPlan>;
}

// ajv-formats ships CommonJS whose default export is the plugin function.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

let compiled: Validators | undefined;

/** Compiled once per process, on first use, so commands that do not validate start fast. */
export function validators(): Validators {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  ajv.addSchema(campaignSchema);
  ajv.addSchema(configSchema);
  ajv.addSchema(validationReportSchema);
  ajv.addSchema(stateSchema);
  ajv.addSchema(planSchema);
  const get = <T>(ref: string): ValidateFunction<T> => {
    const fn = ajv.getSchema<T>(ref);
    if (!fn) throw new Error(`schema ${ref} is not registered`);
    return fn;
  };
  compiled = {
    campaign: get(String(campaignSchema["$id"])),
    numberInfo: get<NumberInfo>(`${String(campaignSchema["$id"])}#/definitions/numberInfo`),
    config: get<CampaignConfig>(String(configSchema["$id"])),
    state: get<AppliedState>(String(stateSchema["$id"])),
    plan: get<CampaignPlan>(String(planSchema["$id"])),
  };
  return compiled;
}
