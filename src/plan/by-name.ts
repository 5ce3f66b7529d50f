// Campaigns are indexed by taskName, which the user chooses: "__proto__", "constructor" or
// "toString" must be names like any other, never a member of Object.prototype.

/** The entry named `name`, only when the record holds it itself. */
export function ownEntry<T>(record: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** A null-prototype copy of a record indexed by name (JSON.parse and structuredClone give Object.prototype). */
export function nameIndex<T>(record: Readonly<Record<string, T>> = {}): Record<string, T> {
  const index = Object.create(null) as Record<string, T>;
  // defineProperty, not assignment: on an ordinary target "__proto__" would set the prototype.
  for (const [name, value] of Object.entries(record))
    Object.defineProperty(index, name, { value, writable: true, enumerable: true, configurable: true });
  return index;
}
