/** What `uniqueItemsRule` needs of the grammar being built (see `GbnfBuilder`). */
export interface RuleSink {
  /** A fresh rule name derived from `name`. */
  reserve(name: string): string;
  /** Defines a reserved rule as alternatives (a body matching nothing when there are none); null then. */
  defineAlternatives(name: string, options: string[]): string | null;
}

/** What one position of a `uniqueItems` array may hold. */
export interface UniquePosition {
  /** Values tracked one by one: canonical JSON → GBNF expression matching exactly that value. */
  values: Map<string, string>;
  /**
   * Classes of items used at most once per array: name → rule matching the class's items at this
   * position. Distinct classes must hold distinct values (a JSON kind each), and none a tracked value.
   */
  classes: Map<string, string>;
  /**
   * Rules of disjoint sub-classes of one more class, in a fixed order, items taken from them in
   * strictly increasing order (at most one per sub-class); null where a sub-class has no item here.
   * The same order at every position; none may hold a tracked value or an item of another class.
   */
  chain?: Array<string | null>;
}

/**
 * `uniqueItems` (2020-12 §6.4.3) as a state machine over what the array holds so far: the set of
 * tracked values used, the set of classes used, and the last chain sub-class used. An item is a
 * tracked value not used yet, an item of a class not used yet, or an item of a chain sub-class after
 * the last one used; so no two items are equal (exact for the tracked values; a class narrows to one
 * item; a chain to items in its order). Chain choices are written as a ladder of rules
 * (`from-k ::= sub-k next | from-(k+1)`) so a state has one alternative for the whole chain.
 *
 * @param positions what each position holds; the last one stands for every later position
 * @param maxStates the most states built before giving up
 * @returns the array's rule, null when no array qualifies, undefined when more states were needed
 */
export function uniqueItemsRule(
  sink: RuleSink,
  positions: UniquePosition[],
  bounds: { minItems: number; maxItems: number },
  hint: string,
  maxStates: number,
): string | null | undefined {
  const values = [...new Set(positions.flatMap((p) => [...p.values.keys()]))];
  const classes = [...new Set(positions.flatMap((p) => [...p.classes.keys()]))];
  const valueBit = new Map(values.map((v, i) => [v, 1 << i]));
  const classBit = new Map(classes.map((k, i) => [k, 1 << i]));
  // chain items counted up to the bound where more no longer changes what may follow
  const countCap = Math.max(bounds.minItems, Number.isFinite(bounds.maxItems) ? bounds.maxItems : 0);
  const states = new Map<string, string | null>();
  const ladders = new Map<string, Map<number, string | null>>();
  let overflow = false;
  const state = (i: number, used: number, usedClasses: number, last: number, chained: number): string | null => {
    const pos = Math.min(i, positions.length - 1);
    const key = `${pos}:${used}:${usedClasses}:${last}:${chained}`;
    if (states.has(key)) return states.get(key)!;
    if (states.size >= maxStates) {
      overflow = true;
      return null;
    }
    const name = sink.reserve(`${hint}-unique-${pos}-${used}${usedClasses === 0 ? '' : `-${usedClasses}`}${last < 0 ? '' : `-c${last}`}`);
    states.set(key, name);
    const count = popcount(used) + popcount(usedClasses) + chained;
    const options: string[] = count >= bounds.minItems ? ['""'] : [];
    const sep = i === 0 ? '' : '"," ';
    if (count < bounds.maxItems) {
      for (const [value, literal] of positions[pos].values) {
        if (used & valueBit.get(value)!) continue;
        const next = state(i + 1, used | valueBit.get(value)!, usedClasses, last, chained);
        if (next !== null) options.push(`${sep}${literal} ${next}`);
      }
      for (const [kind, rule] of positions[pos].classes) {
        if (usedClasses & classBit.get(kind)!) continue;
        const next = state(i + 1, used, usedClasses | classBit.get(kind)!, last, chained);
        if (next !== null) options.push(`${sep}${rule} ${next}`);
      }
      const ladder = ladderFrom(i, last + 1, used, usedClasses, Math.min(chained + 1, countCap));
      if (ladder !== null) options.push(`${sep}${ladder}`);
    }
    const defined = sink.defineAlternatives(name, options);
    states.set(key, defined);
    return defined;
  };
  /** An item of chain sub-class `k` or a later one at position `i`, then the state after it. */
  const ladderFrom = (i: number, k: number, used: number, usedClasses: number, chained: number): string | null => {
    const pos = Math.min(i, positions.length - 1);
    const key = `${pos}:${used}:${usedClasses}:${chained}`;
    if (!ladders.has(key)) ladders.set(key, new Map());
    const after = (sub: number) => state(i + 1, used, usedClasses, sub, chained);
    return chainLadder(sink, positions[pos].chain ?? [], k, after, ladders.get(key)!, `${hint}-chain-${pos}`);
  };
  const start = state(0, 0, 0, -1, 0);
  if (overflow) return undefined;
  return start;
}

/**
 * `from-k ::= chain[k] after(k) | from-(k+1)`: one item of chain class `k` or of a later one, then
 * what may follow it (`after(k)`: a rule, '' for nothing more, null when nothing can). The rules
 * are memoized in `memo` by class, for one context of what follows (the caller keeps one per context).
 *
 * @returns the rule for the classes from `k` on, null when none of them leads anywhere
 */
export function chainLadder(
  sink: RuleSink,
  chain: Array<string | null>,
  k: number,
  after: (k: number) => string | null,
  memo: Map<number, string | null>,
  hint: string,
): string | null {
  if (k >= chain.length) return null;
  if (memo.has(k)) return memo.get(k)!;
  const name = sink.reserve(`${hint}-${k}`);
  memo.set(k, name);
  const options: string[] = [];
  const rule = chain[k];
  const next = rule === null ? null : after(k);
  if (rule !== null && next !== null) options.push(next ? `${rule} ${next}` : rule);
  const later = chainLadder(sink, chain, k + 1, after, memo, hint);
  if (later !== null) options.push(later);
  const defined = sink.defineAlternatives(name, options);
  memo.set(k, defined);
  return defined;
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}
