import { CodePointRange, MAX_CODE_POINT, subtractRanges } from './gbnf-text';
import { RegexEmitContext, RegexError, RegexNode, jsonCharSet } from './regex-to-gbnf';

/** Caps on automaton sizes, so a hostile pattern cannot make the converter explode. */
const MAX_NFA_STATES = 20_000;
const MAX_DFA_STATES = 4096;
const MAX_UNROLLED_REPETITION = 256;

const SURROGATES: CodePointRange = [0xd800, 0xdfff];
const ANY = subtractRanges([[0, MAX_CODE_POINT]], [SURROGATES]);

/** How a key automaton adds rules to the grammar being built. */
export interface KeyRuleSink extends RegexEmitContext {
  /** A fresh rule name (its body set later with `define`). */
  reserve(nameHint: string): string;
  /** Sets the body of a reserved rule. */
  define(name: string, body: string): void;
}

/**
 * A deterministic automaton over the decoded characters (code points) of an object key that runs
 * several ECMAScript patterns (`RegExp.prototype.test` semantics: unanchored unless `^`/`$` say
 * otherwise) at once. Every key falls in exactly one class: the set of patterns it matches. Each
 * class becomes its own GBNF key rule (`keyRule`), which is how `patternProperties` gives a key the
 * schemas of exactly the patterns it matches (JSON Schema 2020-12 §10.3.2.2), and
 * `additionalProperties` the keys matched by none.
 *
 * @throws RegexError for anchors inside a pattern, huge repetitions, or too many states
 */
export class KeyAutomaton {
  /** NFA: per state, its character transitions and its ε-transitions. */
  private readonly moves: Array<Array<{ ranges: CodePointRange[]; to: number }>> = [];
  private readonly epsilons: number[][] = [];
  /** Accepting NFA state of each pattern. */
  private readonly accepting: number[] = [];
  /** DFA: per state, its transitions by target state and its class (the patterns matched, as a key). */
  private readonly dfa: Array<{ targets: Map<number, CodePointRange[]>; signature: string }> = [];

  constructor(patterns: readonly RegexNode[]) {
    const starts = patterns.map((node) => {
      const start = this.state();
      this.accepting.push(this.pattern(node, start));
      return start;
    });
    this.determinize(starts);
  }

  /** The classes some key falls in: sorted lists of the indexes of the patterns it matches. */
  classes(): number[][] {
    const seen = new Set(this.dfa.map((d) => d.signature));
    return [...seen].sort().map((s) => (s === '' ? [] : s.split(',').map(Number)));
  }

  /**
   * The GBNF expression for the JSON-encoded keys (without quotes) in `matched`'s class: keys that
   * match exactly the patterns listed.
   */
  keyRule(matched: readonly number[], sink: KeyRuleSink, hint: string): string {
    const signature = [...matched].sort((a, b) => a - b).join(',');
    // states from which a key of this class can still be completed
    const live = new Set(this.dfa.flatMap((d, i) => (d.signature === signature ? [i] : [])));
    for (let grew = true; grew; ) {
      grew = false;
      this.dfa.forEach((d, i) => {
        if (!live.has(i) && [...d.targets.keys()].some((t) => live.has(t))) {
          live.add(i);
          grew = true;
        }
      });
    }
    const names = new Map<number, string>();
    const nameOf = (i: number) => {
      if (!names.has(i)) names.set(i, sink.reserve(`${hint}-${names.size}`));
      return names.get(i)!;
    };
    const start = nameOf(0);
    for (let done = 0; done < names.size; done++) {
      const [i, name] = [...names][done];
      const d = this.dfa[i];
      const options = d.signature === signature ? ['""'] : [];
      for (const [target, ranges] of d.targets) {
        if (live.has(target)) options.push(`${jsonCharSet(ranges, sink, hint)} ${nameOf(target)}`);
      }
      sink.define(name, options.join(' | '));
    }
    return start;
  }

  private state(): number {
    if (this.moves.length >= MAX_NFA_STATES) throw new RegexError('the patterns need too many automaton states');
    this.moves.push([]);
    this.epsilons.push([]);
    return this.moves.length - 1;
  }

  /** Thompson construction of one whole pattern from `start`; returns its accepting state. */
  private pattern(node: RegexNode, start: number): number {
    const accept = this.state();
    for (const branch of node.kind === 'alt' ? node.items : [node]) {
      const items = branch.kind === 'seq' ? [...branch.items] : [branch];
      const anchoredStart = items[0]?.kind === 'start';
      const anchoredEnd = items[items.length - 1]?.kind === 'end';
      const inner = items.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
      let at = this.state();
      this.epsilons[start].push(at);
      if (!anchoredStart) at = this.anything(at);
      at = this.build({ kind: 'seq', items: inner }, at);
      if (!anchoredEnd) at = this.anything(at);
      this.epsilons[at].push(accept);
    }
    return accept;
  }

  /** `.*` over every code point (unanchored search), from `from`. */
  private anything(from: number): number {
    const loop = this.state();
    this.epsilons[from].push(loop);
    this.moves[loop].push({ ranges: ANY, to: loop });
    return loop;
  }

  private build(node: RegexNode, from: number): number {
    switch (node.kind) {
      case 'set': {
        const to = this.state();
        this.moves[from].push({ ranges: subtractRanges(node.ranges, [SURROGATES]), to });
        return to;
      }
      case 'seq':
        return node.items.reduce((at, item) => this.build(item, at), from);
      case 'alt': {
        const end = this.state();
        for (const item of node.items) {
          const start = this.state();
          this.epsilons[from].push(start);
          this.epsilons[this.build(item, start)].push(end);
        }
        return end;
      }
      case 'repeat': {
        if (Math.max(node.min, node.max ?? 0) > MAX_UNROLLED_REPETITION) {
          throw new RegexError(`repetitions above ${MAX_UNROLLED_REPETITION} are not supported in patternProperties`);
        }
        let at = from;
        for (let i = 0; i < node.min; i++) at = this.build(node.item, at);
        if (node.max === undefined) {
          const loop = this.state();
          this.epsilons[at].push(loop);
          this.epsilons[this.build(node.item, loop)].push(loop);
          return loop;
        }
        for (let i = node.min; i < node.max; i++) {
          const next = this.state();
          this.epsilons[at].push(next);
          this.epsilons[this.build(node.item, at)].push(next);
          at = next;
        }
        return at;
      }
      case 'start':
      case 'end':
        throw new RegexError('anchors (^, $) are only supported at the start or end of the pattern');
    }
  }

  private closure(states: Iterable<number>): number[] {
    const out = new Set(states);
    const stack = [...out];
    while (stack.length > 0) {
      for (const next of this.epsilons[stack.pop()!]) {
        if (!out.has(next)) {
          out.add(next);
          stack.push(next);
        }
      }
    }
    return [...out].sort((a, b) => a - b);
  }

  /** Subset construction over the intervals that no transition splits (a complete automaton). */
  private determinize(starts: number[]): void {
    const cuts = new Set<number>([0, MAX_CODE_POINT + 1]);
    for (const moves of this.moves) for (const m of moves) for (const [a, b] of m.ranges) cuts.add(a).add(b + 1);
    const points = [...cuts].sort((a, b) => a - b);
    const intervals: CodePointRange[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const piece = subtractRanges([[points[i], points[i + 1] - 1]], [SURROGATES]);
      intervals.push(...piece);
    }
    const index = new Map<string, number>();
    const sets: number[][] = [];
    const add = (set: number[]): number => {
      const key = set.join(',');
      if (!index.has(key)) {
        if (sets.length >= MAX_DFA_STATES) throw new RegexError('the patterns need too many automaton states');
        index.set(key, sets.length);
        sets.push(set);
        const signature = this.accepting.flatMap((a, i) => (set.includes(a) ? [i] : [])).join(',');
        this.dfa.push({ targets: new Map(), signature });
      }
      return index.get(key)!;
    };
    add(this.closure(starts));
    for (let i = 0; i < sets.length; i++) {
      for (const interval of intervals) {
        const next = new Set<number>();
        for (const s of sets[i]) {
          for (const m of this.moves[s]) if (m.ranges.some(([a, b]) => a <= interval[0] && interval[0] <= b)) next.add(m.to);
        }
        // no pattern can match any more: the key is in the class of the patterns matched so far
        const target = add(this.closure(next));
        const targets = this.dfa[i].targets;
        targets.set(target, [...(targets.get(target) ?? []), interval]);
      }
    }
  }
}
