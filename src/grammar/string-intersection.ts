import { CharSet, Concatenation, DFA, Element, Expression, NFA, NoParent, TooManyNodesError } from 'refa';
import { CodePointRange, MAX_CODE_POINT, subtractRanges } from './gbnf-text';
import { RegexEmitContext, RegexError, RegexNode, jsonCharSet } from './regex-to-gbnf';

/** What `intersectionToGbnf` needs of the grammar being built (see `GbnfBuilder`). */
export interface StateRuleSink {
  /** A fresh rule name derived from `name`. */
  reserve(name: string): string;
  /** Defines a reserved rule. */
  define(name: string, body: string): void;
}

/** The string constraints intersected: patterns, a code point length range, excluded values. */
export interface StringLanguage {
  /** Parsed ECMAScript patterns (search semantics unless anchored, JSON Schema 2020-12 §6.3.3). */
  patterns: RegexNode[];
  /** `minLength` in code points. */
  minLength: number;
  /** `maxLength` in code points; undefined when unbounded. */
  maxLength?: number;
  /** Values the string must not equal (`not` of string `const`/`enum`). */
  excluded: string[];
}

const SURROGATES: CodePointRange = [0xd800, 0xdfff];
const OPTIONS = { maxCharacter: MAX_CODE_POINT };
/** NFA states allowed per state of the DFA cap (each pattern's NFA is built before determinizing). */
const NFA_STATES_PER_DFA_STATE = 8;

/**
 * The GBNF expression matching exactly the JSON string contents whose decoded value satisfies
 * every part of `language` (all patterns, the length range, none of the excluded values): the
 * intersection of their finite automata (refa), determinized and minimized, written as one GBNF
 * rule per state (`state ::= chars next | … | ""` when final). Code points are JSON-encoded as
 * `jsonCharSet` does; surrogate code points are never produced.
 *
 * @param maxStates the most DFA states built before giving up
 * @returns the expression, or null when no string satisfies them all
 * @throws RegexError when the automaton needs more than `maxStates` states (or a pattern's NFA 8
 *   times that: counted repetitions multiply states), or for anchors that are not at the edges of a
 *   top-level alternative
 */
export function intersectionToGbnf(
  language: StringLanguage,
  sink: StateRuleSink,
  context: RegexEmitContext,
  hint: string,
  maxStates: number,
): string | null {
  const factory = () => new DFA.LimitedNodeFactory(maxStates);
  const nfaFactory = () => new NFA.LimitedNodeFactory(maxStates * NFA_STATES_PER_DFA_STATE);
  let dfa: DFA;
  try {
    const parts: NFA[] = [
      ...language.patterns.map((node) => NFA.fromRegex(searchExpression(node), OPTIONS, {}, nfaFactory())),
      NFA.fromRegex(lengthExpression(language.minLength, language.maxLength), OPTIONS, {}, nfaFactory()),
    ];
    dfa = DFA.fromFA(parts[0], factory());
    dfa.minimize();
    for (const part of parts.slice(1)) {
      dfa = DFA.fromIntersection(dfa, part, factory());
      dfa.minimize();
    }
    if (language.excluded.length > 0) {
      const words = language.excluded.map((value) => [...value].map((c) => c.codePointAt(0)!));
      const others = DFA.fromWords(words, OPTIONS, factory());
      others.complement();
      dfa = DFA.fromIntersection(dfa, others, factory());
      dfa.minimize();
    }
  } catch (error) {
    if (error instanceof TooManyNodesError) {
      throw new RegexError(`the strings allowed need more than ${maxStates} automaton states`);
    }
    throw error;
  }
  return statesToGbnf(dfa, sink, context, hint);
}

/** One rule per state that can still reach a final state; transitions on surrogates dropped. */
function statesToGbnf(dfa: DFA, sink: StateRuleSink, context: RegexEmitContext, hint: string): string | null {
  const iterator = dfa.transitionIterator();
  const out = new Map<DFA.ReadonlyNode, Array<[DFA.ReadonlyNode, CodePointRange[]]>>();
  for (const node of dfa.nodes()) {
    const edges: Array<[DFA.ReadonlyNode, CodePointRange[]]> = [];
    for (const [next, chars] of iterator.getOut(node)) {
      const ranges = subtractRanges(
        chars.ranges.map((r): CodePointRange => [r.min, r.max]),
        [SURROGATES],
      );
      if (ranges.length > 0) edges.push([next, ranges]);
    }
    out.set(node, edges);
  }
  const live = new Set<DFA.ReadonlyNode>([...dfa.finals]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const [node, edges] of out) {
      if (!live.has(node) && edges.some(([next]) => live.has(next))) {
        live.add(node);
        grown = true;
      }
    }
  }
  if (!live.has(dfa.initial)) return null;
  const names = new Map<DFA.ReadonlyNode, string>();
  const nameOf = (node: DFA.ReadonlyNode): string => {
    let name = names.get(node);
    if (name === undefined) {
      name = sink.reserve(`${hint}-state`);
      names.set(node, name);
    }
    return name;
  };
  const start = nameOf(dfa.initial);
  for (let defined = 0; defined < names.size; defined++) {
    const [node, name] = [...names][defined];
    const options = out
      .get(node)!
      .filter(([next]) => live.has(next))
      .map(([next, ranges]) => `${jsonCharSet(ranges, context, hint)} ${nameOf(next)}`);
    if (dfa.finals.has(node as DFA.Node)) options.push('""');
    sink.define(name, options.join(' | '));
  }
  return start;
}

/** A pattern as a full-match expression: unanchored sides of each top-level alternative get `[\s\S]*`. */
function searchExpression(node: RegexNode): NoParent<Expression> {
  const branches = node.kind === 'alt' ? node.items : [node];
  return {
    type: 'Expression',
    alternatives: branches.map((branch) => {
      const items = branch.kind === 'seq' ? [...branch.items] : [branch];
      const anchoredStart = items[0]?.kind === 'start';
      if (anchoredStart) items.shift();
      const anchoredEnd = items[items.length - 1]?.kind === 'end';
      if (anchoredEnd) items.pop();
      const elements = [...(anchoredStart ? [] : [anything()]), ...items.map(toElement), ...(anchoredEnd ? [] : [anything()])];
      return { type: 'Concatenation', elements };
    }),
  };
}

/** Any string of `min` to `max` code points. */
function lengthExpression(min: number, max: number | undefined): NoParent<Expression> {
  return { type: 'Expression', alternatives: [{ type: 'Concatenation', elements: [anyCodePoints(min, max ?? Infinity)] }] };
}

/** `[\s\S]*`. */
function anything(): NoParent<Element> {
  return anyCodePoints(0, Infinity);
}

/** `[\s\S]{min,max}`. */
function anyCodePoints(min: number, max: number): NoParent<Element> {
  const any: NoParent<Element> = { type: 'CharacterClass', characters: CharSet.all(MAX_CODE_POINT) };
  return { type: 'Quantifier', lazy: false, min, max, alternatives: [{ type: 'Concatenation', elements: [any] }] };
}

/** Our regex node as a refa RE AST element. */
function toElement(node: RegexNode): NoParent<Element> {
  const concat = (items: RegexNode[]): NoParent<Concatenation> => ({ type: 'Concatenation', elements: items.map(toElement) });
  switch (node.kind) {
    case 'start':
    case 'end':
      throw new RegexError('anchors (^, $) are only supported at the start or end of the pattern');
    case 'set':
      return {
        type: 'CharacterClass',
        characters: CharSet.empty(MAX_CODE_POINT).union(node.ranges.map(([min, max]) => ({ min, max }))),
      };
    case 'seq':
      return { type: 'Alternation', alternatives: [concat(node.items)] };
    case 'alt':
      return { type: 'Alternation', alternatives: node.items.map((item) => concat(item.kind === 'seq' ? item.items : [item])) };
    case 'repeat':
      return {
        type: 'Quantifier',
        lazy: false,
        min: node.min,
        max: node.max ?? Infinity,
        alternatives: [concat(node.item.kind === 'seq' ? node.item.items : [node.item])],
      };
  }
}
