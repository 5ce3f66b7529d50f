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
