import {
  CodePointRange,
  MAX_CODE_POINT,
  complementRanges,
  gbnfClass,
  gbnfLiteral,
  normalizeRanges,
  repeat,
  subtractRanges,
} from './gbnf-text';

/**
 * ECMAScript regular expressions (the `u`-flag dialect ajv uses for `pattern`; ECMA-262
 * §22.2) → GBNF for the content of a JSON string. Supported: literals and escapes (`\t \n \v \f \r
 * \0 \xHH \uHHHH \u{H…} \cX`, identity escapes), `.`, classes `[…]`/`[^…]` with ranges, `\d \D \w
 * \W \s \S`, groups `(…)`, `(?:…)`, `(?<name>…)`, alternation, quantifiers `* + ? {n} {n,} {n,m}`
 * (greedy or lazy: the language is the same), and `^`/`$` at the start/end of a top-level
 * alternative, and Unicode property escapes `\p{…}`/`\P{…}` (the code points Node's own `RegExp` puts in
 * them). Refused (`RegexError`): lookaround, backreferences, `\b \B`, anchors
 * elsewhere. A pattern is unanchored unless `^`/`$` say otherwise, as the JSON Schema spec says.
 */
export class RegexError extends Error {
  override readonly name = 'RegexError';
}

/** Parsed regex. */
export type RegexNode =
  | { kind: 'set'; ranges: CodePointRange[] }
  | { kind: 'seq'; items: RegexNode[] }
  | { kind: 'alt'; items: RegexNode[] }
  | { kind: 'repeat'; item: RegexNode; min: number; max: number | undefined }
  | { kind: 'start' }
  | { kind: 'end' };

const LINE_TERMINATORS: CodePointRange[] = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];
const DIGIT: CodePointRange[] = [[0x30, 0x39]];
const WORD: CodePointRange[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: CodePointRange[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const SURROGATES: CodePointRange = [0xd800, 0xdfff];
const ANY: CodePointRange[] = [[0, MAX_CODE_POINT]];

const propertyCache = new Map<string, CodePointRange[]>();

/** The code points of a Unicode property (`\p{name}`, as ECMAScript `u` mode knows it), as ranges. */
function unicodePropertyRanges(name: string): CodePointRange[] {
  const cached = propertyCache.get(name);
  if (cached) return cached;
  const test = new RegExp(`\\p{${name}}`, 'u');
  const ranges: Array<[number, number]> = [];
  for (let cp = 0; cp <= MAX_CODE_POINT; cp++) {
    if (cp === 0xd800) cp = 0xe000;
    if (!test.test(String.fromCodePoint(cp))) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === cp - 1) last[1] = cp;
    else ranges.push([cp, cp]);
  }
  propertyCache.set(name, ranges);
  return ranges;
}

/** Parses `source` (validated first with `new RegExp(source, 'u')`). @throws RegexError */
export function parseRegex(source: string): RegexNode {
  try {
    new RegExp(source, 'u');
  } catch (error) {
    throw new RegexError(`not a valid ECMAScript regular expression: ${(error as Error).message}`);
  }
  const parser = new Parser(source);
  const node = parser.alternation();
  if (!parser.done()) throw new RegexError(`unexpected '${parser.peek()}'`);
  return node;
}

class Parser {
  private pos = 0;
  private readonly chars: string[];

  constructor(source: string) {
    this.chars = Array.from(source);
  }

  done(): boolean {
    return this.pos >= this.chars.length;
  }

  peek(offset = 0): string {
    return this.chars[this.pos + offset] ?? '';
  }

  private next(): string {
    return this.chars[this.pos++] ?? '';
  }

  alternation(): RegexNode {
    const items = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0] : { kind: 'alt', items };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (!this.done() && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  }

  private quantified(atom: RegexNode): RegexNode {
    let min: number;
    let max: number | undefined;
    const c = this.peek();
    if (c === '*') [min, max] = [0, undefined];
    else if (c === '+') [min, max] = [1, undefined];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.chars.slice(this.pos).join(''));
      if (!match) return atom;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? undefined : Number(match[3]);
      this.pos += Array.from(match[0]).length - 1;
    } else return atom;
    this.pos++;
    if (this.peek() === '?') this.pos++; // lazy: same language
    if (atom.kind === 'start' || atom.kind === 'end') throw new RegexError('a quantified anchor is not supported');
    return this.quantified({ kind: 'repeat', item: atom, min, max });
  }

  private atom(): RegexNode {
    const c = this.next();
    switch (c) {
      case '^':
        return { kind: 'start' };
      case '$':
        return { kind: 'end' };
      case '.':
        return { kind: 'set', ranges: complementRanges(LINE_TERMINATORS) };
      case '[':
        return { kind: 'set', ranges: this.classBody() };
      case '(': {
        if (this.peek() === '?') {
          if (this.peek(1) === ':') this.pos += 2;
          else if (this.peek(1) === '<' && this.peek(2) !== '=' && this.peek(2) !== '!') {
            while (this.next() !== '>') {
              if (this.done()) throw new RegexError('unterminated group name');
            }
          } else throw new RegexError('lookaround assertions are not supported');
        }
        const inner = this.alternation();
        if (this.next() !== ')') throw new RegexError('missing )');
        return inner;
      }
      case '\\':
        return this.escape(false);
      default:
        return { kind: 'set', ranges: [[c.codePointAt(0)!, c.codePointAt(0)!]] };
    }
  }

  /** After `\`: a set (class escapes or one character). */
  private escape(inClass: boolean): { kind: 'set'; ranges: CodePointRange[] } {
    const c = this.next();
    const single = (cp: number) => ({ kind: 'set' as const, ranges: [[cp, cp] as CodePointRange] });
    switch (c) {
      case 'd':
        return { kind: 'set', ranges: DIGIT };
      case 'D':
        return { kind: 'set', ranges: complementRanges(DIGIT) };
      case 'w':
        return { kind: 'set', ranges: WORD };
      case 'W':
        return { kind: 'set', ranges: complementRanges(WORD) };
      case 's':
        return { kind: 'set', ranges: SPACE };
      case 'S':
        return { kind: 'set', ranges: complementRanges(SPACE) };
      case 't':
        return single(0x09);
      case 'n':
        return single(0x0a);
      case 'v':
        return single(0x0b);
      case 'f':
        return single(0x0c);
      case 'r':
        return single(0x0d);
      case '0':
        return single(0);
      case 'b':
        if (inClass) return single(0x08);
        throw new RegexError('word boundaries (\\b) are not supported');
      case 'c': {
        const letter = this.next();
        return single(letter.codePointAt(0)! % 32);
      }
      case 'x': {
        const hex = this.take(2);
        return single(parseInt(hex, 16));
      }
      case 'u': {
        if (this.peek() === '{') {
          this.pos++;
          let hex = '';
          while (this.peek() !== '}') hex += this.next();
          this.pos++;
          return single(parseInt(hex, 16));
        }
        const first = parseInt(this.take(4), 16);
        if (first >= 0xd800 && first <= 0xdbff && this.peek() === '\\' && this.peek(1) === 'u') {
          const save = this.pos;
          this.pos += 2;
          const second = parseInt(this.take(4), 16);
          if (second >= 0xdc00 && second <= 0xdfff) {
            return single(0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00));
          }
          this.pos = save;
        }
        return single(first);
      }
      case 'p':
      case 'P': {
        if (this.next() !== '{') throw new RegexError('\\p needs a {property}');
        let name = '';
        while (this.peek() !== '}') name += this.next();
        this.pos++;
        const ranges = unicodePropertyRanges(name);
        return { kind: 'set', ranges: c === 'p' ? ranges : complementRanges(ranges) };
      }
      case 'B':
        throw new RegexError('\\B is not supported');
      case 'k':
        throw new RegexError('backreferences are not supported');
      default:
        if (/[1-9]/.test(c)) throw new RegexError('backreferences are not supported');
        return single(c.codePointAt(0)!);
    }
  }

  private take(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += this.next();
    return out;
  }

  private classBody(): CodePointRange[] {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: CodePointRange[] = [];
    while (this.peek() !== ']') {
      if (this.done()) throw new RegexError('unterminated class');
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && from.length === 1 && from[0][0] === from[0][1]) {
        this.pos++;
        const to = this.classAtom();
        if (to.length !== 1 || to[0][0] !== to[0][1]) throw new RegexError('invalid class range');
        ranges.push([from[0][0], to[0][0]]);
      } else ranges.push(...from);
    }
    this.pos++;
    return negated ? complementRanges(ranges) : normalizeRanges(ranges);
  }

  private classAtom(): CodePointRange[] {
    const c = this.next();
    if (c === '\\') {
      if (this.peek() === '-') {
        this.pos++;
        return [[0x2d, 0x2d]];
      }
      return this.escape(true).ranges;
    }
    const cp = c.codePointAt(0)!;
    return [[cp, cp]];
  }
}

/** Shortest and longest match length in code points (`undefined`: unbounded). */
export function regexLengths(node: RegexNode): { min: number; max: number | undefined } {
  switch (node.kind) {
    case 'set':
      return { min: 1, max: 1 };
    case 'start':
    case 'end':
      return { min: 0, max: 0 };
    case 'seq':
      return node.items.map(regexLengths).reduce(
        (acc, l) => ({
          min: acc.min + l.min,
          max: acc.max === undefined || l.max === undefined ? undefined : acc.max + l.max,
        }),
        { min: 0, max: 0 as number | undefined },
      );
    case 'alt': {
      const ls = node.items.map(regexLengths);
      return {
        min: Math.min(...ls.map((l) => l.min)),
        max: ls.some((l) => l.max === undefined) ? undefined : Math.max(...ls.map((l) => l.max!)),
      };
    }
    case 'repeat': {
      const l = regexLengths(node.item);
      return {
        min: l.min * node.min,
        max: node.max === undefined || l.max === undefined ? (l.max === 0 ? 0 : undefined) : l.max * node.max,
      };
    }
  }
}

/** Hooks into the grammar being built. */
export interface RegexEmitContext {
  /** Adds (or reuses) a rule with this body; returns its name. */
  rule(nameHint: string, body: string): string;
  /** Name of the rule matching any one JSON-encoded code point (the primitive `char`). */
  anyChar: string;
}

/**
 * The GBNF expression matching exactly the JSON string contents (between the quotes) whose decoded
 * value matches `node` with ECMAScript `RegExp.prototype.test` semantics (search, unless anchored).
 *
 * @throws RegexError for anchors that are not at the edges of a top-level alternative
 */
export function regexToGbnf(node: RegexNode, context: RegexEmitContext, nameHint: string): string {
  const branches = node.kind === 'alt' ? node.items : [node];
  const out: string[] = [];
  for (const branch of branches) {
    const items = branch.kind === 'seq' ? [...branch.items] : [branch];
    const anchoredStart = items[0]?.kind === 'start';
    if (anchoredStart) items.shift();
    const anchoredEnd = items[items.length - 1]?.kind === 'end';
    if (anchoredEnd) items.pop();
    const body = items.map((item) => emit(item, context, nameHint)).filter(Boolean);
    const parts = [anchoredStart ? '' : `${context.anyChar}*`, ...body, anchoredEnd ? '' : `${context.anyChar}*`];
    out.push(parts.filter(Boolean).join(' '));
  }
  if (out.length === 1) return out[0];
  return `(${out.map((o) => o || '""').join(' | ')})`;
}

function emit(node: RegexNode, context: RegexEmitContext, hint: string): string {
  switch (node.kind) {
    case 'start':
    case 'end':
      throw new RegexError('anchors (^, $) are only supported at the start or end of the pattern');
    case 'set':
      return jsonCharSet(node.ranges, context, hint);
    case 'seq': {
      const parts = node.items.map((item) => emit(item, context, hint)).filter(Boolean);
      return parts.length === 0 ? '' : parts.length === 1 ? parts[0] : `(${parts.join(' ')})`;
    }
    case 'alt':
      return `(${node.items.map((item) => emit(item, context, hint) || '""').join(' | ')})`;
    case 'repeat': {
      const inner = emit(node.item, context, hint);
      if (inner === '') return '';
      const atom = isAtom(inner) ? inner : context.rule(`${hint}-part`, stripParens(inner));
      return repeat(atom, node.min, node.max);
    }
  }
}

const isAtom = (expression: string): boolean =>
  /^([a-zA-Z0-9-]+|"([^"\\]|\\.)*"|\[([^\]\\]|\\.)*\])$/.test(expression);

const stripParens = (expression: string): string =>
  expression.startsWith('(') && expression.endsWith(')') ? expression.slice(1, -1) : expression;

/** Short JSON escapes (RFC 8259 §7) by code point. */
const SHORT_ESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x08: 'b',
  0x0c: 'f',
  0x0a: 'n',
  0x0d: 'r',
  0x09: 't',
};

/** Code points that cannot appear raw in a JSON string. */
const MUST_ESCAPE: CodePointRange[] = [
  [0x00, 0x1f],
  [0x22, 0x22],
  [0x5c, 0x5c],
];

/**
 * A GBNF expression matching every JSON encoding of one code point of `ranges`: the raw character
 * when JSON allows it, the short escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`), and
 * `\u00XX` for the other control characters. (Other `\uXXXX` spellings of printable characters are
 * not produced, which only narrows.) Surrogates are never matched.
 */
export function jsonCharSet(ranges: readonly CodePointRange[], context: RegexEmitContext, hint: string): string {
  const set = subtractRanges(ranges, [SURROGATES]);
  if (set.length === 0) throw new RegexError('the pattern can never match (empty character set)');
  const whole = subtractRanges(ANY, [SURROGATES]);
  if (sameRanges(set, whole)) return context.anyChar;
  const raw = subtractRanges(set, MUST_ESCAPE);
  const options: string[] = [];
  if (raw.length > 0) options.push(gbnfClass(raw));
  const escaped: string[] = [];
  for (const [a, b] of normalizeRanges(set)) {
    for (let cp = a; cp <= Math.min(b, 0x7f); cp++) {
      if (SHORT_ESCAPES[cp] !== undefined) escaped.push(gbnfLiteral(`\\${SHORT_ESCAPES[cp]}`));
      else if (cp < 0x20) {
        const hex = cp.toString(16).padStart(2, '0');
        escaped.push(`${gbnfLiteral('\\u00')} ${hexDigitClass(hex[0])} ${hexDigitClass(hex[1])}`);
      }
    }
  }
  options.push(...escaped);
  if (options.length === 1) return options[0];
  return context.rule(`${hint}-char`, options.join(' | '));
}

function hexDigitClass(digit: string): string {
  return /[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : `"${digit}"`;
}

function sameRanges(a: readonly CodePointRange[], b: readonly CodePointRange[]): boolean {
  const x = normalizeRanges(a);
  const y = normalizeRanges(b);
  return x.length === y.length && x.every(([p, q], i) => p === y[i][0] && q === y[i][1]);
}
