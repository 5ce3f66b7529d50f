/**
 * Sets of phone numbers as sorted Float64Arrays of their digits (E.164 has at most 15 digits, so
 * doubles hold them exactly): a million load in a fraction of the time a Set takes.
 */

/** Sorts in place and returns a copy without repeats. */
export function sortedUnique(values: Float64Array): Float64Array {
  values.sort();
  let kept = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[kept - 1]) values[kept++] = values[i]!;
  return values.slice(0, kept);
}

export function contains(sorted: Float64Array, value: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid]!;
    if (at === value) return true;
    if (at < value) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

/** Numbers in `a` but not in `b`, and how many are in both (one merge pass). */
export function difference(a: Float64Array, b: Float64Array): { only: number[]; onlyCount: number; common: number } {
  const only: number[] = [];
  let onlyCount = 0;
  let common = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const value = a[i]!;
    while (j < b.length && b[j]! < value) j++;
    if (j < b.length && b[j] === value) common++;
    else if (++onlyCount <= DIFF_SAMPLE) only.push(value);
  }
  return { only, onlyCount, common };
}

const DIFF_SAMPLE = 3;
