/** What `uniqueItemsRule` needs of the grammar being built (see `GbnfBuilder`). */
export interface RuleSink {
  /** A fresh rule name derived from `name`. */
  reserve(name: string): string;
  /** Defines a reserved rule. */
  define(name: string, body: string): void;
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
}

/** A body no text matches (GBNF has no empty alternative set). */
const NOTHING = '[^\\x00-\\U0010FFFF]';

/**
 * `uniqueItems` (2020-12 §6.4.3) as a state machine over what the array holds so far: the set of
 * tracked values used and the set of classes used. An item is a tracked value not used yet, or an
 * item of a class not used yet; so no two items are equal (exact for the tracked values; a class
 * narrows to one item of its kind). The item count is the number of values and classes used.
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
  const states = new Map<string, string | null>();
  let overflow = false;
  const state = (i: number, used: number, usedClasses: number): string | null => {
    const pos = Math.min(i, positions.length - 1);
    const key = `${pos}:${used}:${usedClasses}`;
    if (states.has(key)) return states.get(key)!;
    if (states.size >= maxStates) {
      overflow = true;
      return null;
    }
    const name = sink.reserve(usedClasses === 0 ? `${hint}-unique-${pos}-${used}` : `${hint}-unique-${pos}-${used}-${usedClasses}`);
    states.set(key, name);
    const count = popcount(used) + popcount(usedClasses);
    const options: string[] = count >= bounds.minItems ? ['""'] : [];
    const sep = i === 0 ? '' : '"," ';
    if (count < bounds.maxItems) {
      for (const [value, literal] of positions[pos].values) {
        if (used & valueBit.get(value)!) continue;
        const next = state(i + 1, used | valueBit.get(value)!, usedClasses);
        if (next !== null) options.push(`${sep}${literal} ${next}`);
      }
      for (const [kind, rule] of positions[pos].classes) {
        if (usedClasses & classBit.get(kind)!) continue;
        const next = state(i + 1, used, usedClasses | classBit.get(kind)!);
        if (next !== null) options.push(`${sep}${rule} ${next}`);
      }
    }
    if (options.length === 0) {
      states.set(key, null);
      sink.define(name, NOTHING);
      return null;
    }
    sink.define(name, options.join(' | '));
    return name;
  };
  const start = state(0, 0, 0);
  if (overflow) return undefined;
  return start;
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}
