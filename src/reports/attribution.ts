/** A campaign's declared callee numbers, as loaded from its files (digits as numbers, see campaigns/audience). */
export interface DeclaredNumbers {
  taskName: string;
  numbers: ArrayLike<number>;
}

/**
 * Callee hash → campaign, for reports that carry no task id: a number declared by exactly one of
 * the given campaigns names it; a number two campaigns declared names neither (it stays unmatched).
 * Hashed with the report store's own salt, so the comparison is with what the store keeps.
 */
export function calleeIndex(
  campaigns: readonly DeclaredNumbers[],
  hashCallee: (callee: string) => string,
): Map<string, string> {
  const owner = new Map<string, string | null>();
  for (const campaign of campaigns) {
    for (let i = 0; i < campaign.numbers.length; i++) {
      const hash = hashCallee(String(campaign.numbers[i]));
      const known = owner.get(hash);
      if (known === undefined) owner.set(hash, campaign.taskName);
      else if (known !== campaign.taskName) owner.set(hash, null);
    }
  }
  const index = new Map<string, string>();
  for (const [hash, name] of owner) if (name !== null) index.set(hash, name);
  return index;
}

/**
 * Which declared numbers are opted-out callees: a number is hashed (the costly part) only when its
 * last digits are those of some opted-out callee's masked form, so a plan over a million numbers
 * with a few opt-outs hashes a few thousand. A mask that does not end in digits turns that off.
 */
export function optOutMatcher<T extends { calleeHash: string; calleeMasked: string | null }>(
  optedOut: readonly T[],
  hashCallee: (callee: string) => string,
): (calleeNumber: number) => T | undefined {
  const byHash = new Map(optedOut.map((o) => [o.calleeHash, o]));
  const runs = optedOut.map((o) => /\d+$/.exec(o.calleeMasked ?? "")?.[0] ?? "");
  // A loop, not Math.min(...runs): a million arguments would overflow the stack.
  const digits = runs.reduce((fewest, run) => Math.min(fewest, run.length), 3);
  const modulus = 10 ** digits;
  const tails = new Set(runs.map((run) => Number(run.slice(-digits))));
  return (calleeNumber) => {
    if (byHash.size === 0 || (digits > 0 && !tails.has(calleeNumber % modulus))) return undefined;
    return byHash.get(hashCallee(String(calleeNumber)));
  };
}
