import { openMaxMetadata, type NumberingPlanRules } from "./libphonenumber-internals.js";

/** What the metadata says about a callee number (country code + national digits, as dialled). */
export interface NumberClass {
  /** ISO country (e.g. "IN"); undefined for non-geographic codes (+800…) and unknown codes. */
  country: string | undefined;
  /** Valid for its country prefix by libphonenumber's full ("max") metadata. */
  valid: boolean;
}

export type NumberClassifier = (digits: string) => NumberClass;

const UNKNOWN_CODE: NumberClass = Object.freeze({ country: undefined, valid: false });

interface CompiledPlan {
  leadingDigits: RegExp | undefined;
  hasTypes: boolean;
  /** Per national number length: one expression for "the general pattern and one of the types". */
  validFor(length: number): RegExp;
}

/**
 * The same answer as libphonenumber-js's `parsePhoneNumber("+" + digits)` with `isValid()` and
 * `country` (max metadata), in a fraction of the time: the library compiles its regular
 * expressions on every call (≈15–30 µs a number), this compiles each country's once. One
 * difference on purpose: no national prefix is stripped after the country code, because the
 * platform dials the digits exactly as written ("4407700…" is not a valid number to dial).
 */
export function createNumberClassifier(): NumberClassifier {
  const metadata = openMaxMetadata();
  const plans = new Map<string, CompiledPlan>();
  const planOf = (countryOrCode: string): CompiledPlan => {
    let plan = plans.get(countryOrCode);
    if (!plan) {
      plan = compile(metadata.numberingPlan(countryOrCode));
      plans.set(countryOrCode, plan);
    }
    return plan;
  };
  // One shared answer object per country and validity: nothing is allocated per number.
  const answers = new Map<string | undefined, readonly [NumberClass, NumberClass]>();
  const answersFor = (country: string | undefined): readonly [NumberClass, NumberClass] => {
    let pair = answers.get(country);
    if (!pair)
      answers.set(
        country,
        (pair = [Object.freeze({ country, valid: false }), Object.freeze({ country, valid: true })]),
      );
    return pair;
  };
  // Calling code (as a number, so no string is cut per look-up) → the countries sharing it, or
  // [] for a non-geographic code (+800, +882…); a code of one country keeps its plan at hand.
  const codes = new Map<
    number,
    {
      code: string;
      countries: readonly string[];
      single?: { plan: CompiledPlan; answers: readonly [NumberClass, NumberClass] };
    }
  >();
  for (const [code, countries] of metadata.callingCodes) codes.set(Number(code), { code, countries });
  return (digits) => {
    let value = 0;
    for (let start = 1; start <= 3 && start < digits.length; start++) {
      value = value * 10 + digits.charCodeAt(start - 1) - 48;
      const known = codes.get(value);
      if (known === undefined) continue;
      const { countries } = known;
      if (countries.length <= 1) {
        const single = (known.single ??= {
          plan: planOf(countries[0] ?? known.code),
          answers: answersFor(countries[0]),
        });
        return single.answers[matchesAt(digits, start, single.plan) ? 1 : 0];
      }
      const country = countryByNationalNumber(digits, start, countries, planOf);
      return answersFor(country)[matchesAt(digits, start, planOf(country ?? known.code)) ? 1 : 0];
    }
    return UNKNOWN_CODE;
  };
}

function compile(plan: NumberingPlanRules): CompiledPlan {
  const { leadingDigits, nationalNumberPattern: general, types } = plan;
  const byLength: RegExp[] = [];
  return {
    leadingDigits: leadingDigits ? new RegExp(`(?:${leadingDigits})`, "y") : undefined,
    hasTypes: types !== undefined,
    validFor(length) {
      let expression = byLength[length];
      if (!expression) {
        const fitting = (types ?? [])
          .filter((t) => !t.possibleLengths || t.possibleLengths.includes(length))
          .map((t) => `(?:${t.pattern})`);
        // No type of this length: nothing of this length is valid (an expression that never matches).
        const anyType = types ? (fitting.length > 0 ? fitting.join("|") : "(?!)") : "[\\s\\S]*";
        // Sticky: tested from the national number's first digit inside the whole number, uncut.
        expression = new RegExp(`(?=(?:${general})$)(?:${anyType})$`, "y");
        byLength[length] = expression;
      }
      return expression;
    },
  };
}

/** Whether the national number (digits from `start` on) is valid for the plan. */
function matchesAt(digits: string, start: number, plan: CompiledPlan): boolean {
  const expression = plan.validFor(digits.length - start);
  expression.lastIndex = start;
  return expression.test(digits);
}

/** Several countries share the calling code (NANPA, +44, +7…): leading digits, else a type match. */
function countryByNationalNumber(
  digits: string,
  start: number,
  countries: readonly string[],
  planOf: (country: string) => CompiledPlan,
): string | undefined {
  for (const country of countries) {
    const plan = planOf(country);
    if (plan.leadingDigits) {
      plan.leadingDigits.lastIndex = start;
      if (plan.leadingDigits.test(digits)) return country;
    } else if (plan.hasTypes && matchesAt(digits, start, plan)) return country;
  }
  return undefined;
}
