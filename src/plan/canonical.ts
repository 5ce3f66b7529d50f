/** JSON with object keys sorted at every level: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Fast path for the common flat object whose keys are already in order (a recipient entry):
  // JSON.stringify gives the canonical text directly, without sorting or recursion.
  let ordered = true;
  for (let i = 0; i < keys.length && ordered; i++) {
    const v = record[keys[i]!]; // keys come from Object.keys: own members
    if ((i > 0 && keys[i - 1]! >= keys[i]!) || v === undefined || (v !== null && typeof v === "object"))
      ordered = false;
  }
  if (ordered) return JSON.stringify(record);
  return canonicalObject(record, {});
}

/** An object's canonical text, with some members' canonical text given (already computed). */
export function canonicalObject(record: Record<string, unknown>, precomputed: Record<string, string>): string {
  // Own members only: a key such as "toString" or "__proto__" must never read the prototype's.
  const given = (k: string): string | undefined => (Object.hasOwn(precomputed, k) ? precomputed[k] : undefined);
  const own = (k: string): unknown => (Object.hasOwn(record, k) ? record[k] : undefined);
  const keys = [...new Set([...Object.keys(record), ...Object.keys(precomputed)])]
    .filter((k) => given(k) !== undefined || own(k) !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${given(k) ?? canonicalJson(own(k))}`).join(",")}}`;
}
