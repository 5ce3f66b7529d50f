import type { ErrorObject } from "ajv";
import * as compiled from "./generated/validators.js";
import type { AppliedState, CampaignConfig, CampaignPlan, NumberInfo } from "./generated/index.js";

export type SchemaError = ErrorObject;

/** A validator compiled from schemas/ at `npm run generate` (ajv standalone code). */
export interface Validator<T> {
  (value: unknown): value is T;
  errors?: SchemaError[] | null;
}

interface Validators {
  campaign: Validator<unknown>;
  numberInfo: Validator<NumberInfo>;
  config: Validator<CampaignConfig>;
  state: Validator<AppliedState>;
  plan: Validator<CampaignPlan>;
  /** One journal line (state.schema.json#/definitions/journalRecord); the state module types it. */
  journalRecord: Validator<unknown>;
  /** A lock file's content (state.schema.json#/definitions/lockInfo). */
  lockInfo: Validator<unknown>;
}

const validatorsCompiled = compiled as unknown as Validators;

/** The schema validators; generated ahead of time, so no command pays for compiling them. */
export function validators(): Validators {
  return validatorsCompiled;
}
