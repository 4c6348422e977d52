import { NumberConstraints, NumberGrammarError, numberExpression } from './number-grammar';

/** A GBNF expression parsed for the tiny matcher below. */
type Node =
  | { t: 'lit'; s: string }
  | { t: 'cls'; re: RegExp }
  | { t: 'ref'; name: string }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; item: Node; min: number; max: number };

/** Parses the GBNF subset the number grammars use (literals, classes, names, groups, repetition). */
function parse(source: string): Node {
  let i = 0;
  const alternation = (): Node => {
    const items = [sequence()];
    while (source[i] === '|') {
      i++;
      items.push(sequence());
    }
    return items.length === 1 ? items[0] : { t: 'alt', items };
  };
  const sequence = (): Node => {
    const items: Node[] = [];
    for (;;) {
      while (source[i] === ' ') i++;
      const c = source[i];
      if (c === undefined || c === '|' || c === ')') break;
      let atom: Node;
      if (c === '"') {
        const end = source.indexOf('"', i + 1);
        atom = { t: 'lit', s: source.slice(i + 1, end) };
        i = end + 1;
      } else if (c === '[') {
        const end = source.indexOf(']', i);
        atom = { t: 'cls', re: new RegExp(`^${source.slice(i, end + 1)}$`) };
        i = end + 1;
      } else if (c === '(') {
        i++;
        atom = alternation();
        i++;
      } else {
        const name = /^[a-zA-Z0-9-]+/.exec(source.slice(i))![0];
        atom = { t: 'ref', name };
        i += name.length;
      }
      const q = source[i];
      if (q === '?') [atom, i] = [{ t: 'rep', item: atom, min: 0, max: 1 }, i + 1];
      else if (q === '*') [atom, i] = [{ t: 'rep', item: atom, min: 0, max: Infinity }, i + 1];
      else if (q === '+') [atom, i] = [{ t: 'rep', item: atom, min: 1, max: Infinity }, i + 1];
      else if (q === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i))!;
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        atom = { t: 'rep', item: atom, min, max };
        i += m[0].length;
      }
      items.push(atom);
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  };
  return alternation();
}

/** Whether `text` matches `expression` (rules looked up in `rules`), by exhaustive end-position sets. */
function matches(expression: string, rules: Map<string, string>, text: string): boolean {
  const parsed = new Map<string, Node>();
  const ends = (node: Node, pos: number): Set<number> => {
    switch (node.t) {
      case 'lit':
        return text.startsWith(node.s, pos) ? new Set([pos + node.s.length]) : new Set();
      case 'cls':
        return pos < text.length && node.re.test(text[pos]) ? new Set([pos + 1]) : new Set();
      case 'ref': {
        if (!parsed.has(node.name)) parsed.set(node.name, parse(rules.get(node.name)!));
        return ends(parsed.get(node.name)!, pos);
      }
      case 'seq':
        return node.items.reduce((set, item) => new Set([...set].flatMap((p) => [...ends(item, p)])), new Set([pos]));
      case 'alt':
        return new Set(node.items.flatMap((item) => [...ends(item, pos)]));
      case 'rep': {
        const out = new Set<number>(node.min === 0 ? [pos] : []);
        let frontier = new Set([pos]);
        for (let k = 1; k <= node.max && frontier.size > 0; k++) {
          frontier = new Set([...frontier].flatMap((p) => [...ends(node.item, p)].filter((e) => e > p)));
          if (k >= node.min) frontier.forEach((p) => out.add(p));
        }
        return out;
      }
    }
  };
  return ends(parse(expression), 0).has(text.length);
}

function grammarFor(constraints: NumberConstraints): { test(text: string): boolean } | undefined {
  const rules = new Map<string, string>();
  const expression = numberExpression(constraints, (hint, body) => {
    const name = `r${rules.size}-${hint}`;
    rules.set(name, body);
    return name;
  });
  return expression === undefined ? undefined : { test: (text) => matches(expression, rules, text) };
}

/** Every canonical number text in [-limit, limit] with up to `fraction` fraction digits (and some with trailing zeros). */
function texts(limit: number, fraction: number): string[] {
  const out: string[] = [];
  const scale = 10 ** fraction;
  for (let i = -limit * scale; i <= limit * scale; i++) {
    const value = i / scale;
    out.push(String(value));
    if (!Number.isInteger(value)) out.push(`${value}0`);
    else out.push(`${value}.0`);
  }
  out.push('-0', '00', '01', '1.', '.5', '1e2', '+1');
  return out;
}

/** JSON number syntax without exponent, and no negative zero (the grammar never writes "-0"). */
const isCanonicalJsonNumber = (text: string) =>
  /^-?(0|[1-9]\d*)(\.\d+)?$/.test(text) && !(text.startsWith('-') && Number(text) === 0);

describe('numberExpression: exact against decimal arithmetic', () => {
  const cases: Array<[string, NumberConstraints]> = [
    ['any integer', { integer: true, multipleOf: [] }],
    ['integer [-20, 150]', { integer: true, lower: { value: -20, exclusive: false }, upper: { value: 150, exclusive: false }, multipleOf: [] }],
    ['integer (0, 10)', { integer: true, lower: { value: 0, exclusive: true }, upper: { value: 10, exclusive: true }, multipleOf: [] }],
    ['number < 3.0', { integer: false, upper: { value: 3, exclusive: true }, multipleOf: [] }],
    ['number [1.1, 2.25]', { integer: false, lower: { value: 1.1, exclusive: false }, upper: { value: 2.25, exclusive: false }, multipleOf: [] }],
    ['number (-1.5, -0.5]', { integer: false, lower: { value: -1.5, exclusive: true }, upper: { value: -0.5, exclusive: false }, multipleOf: [] }],
    ['number ≥ 0.05', { integer: false, lower: { value: 0.05, exclusive: false }, multipleOf: [] }],
    ['multipleOf 0.25 in [-3, 3]', { integer: false, lower: { value: -3, exclusive: false }, upper: { value: 3, exclusive: false }, multipleOf: [0.25] }],
    ['multipleOf 0.1', { integer: false, multipleOf: [0.1] }],
    ['integer multipleOf 7 in [-50, 100]', { integer: true, lower: { value: -50, exclusive: false }, upper: { value: 100, exclusive: false }, multipleOf: [7] }],
    ['integer multipleOf 3 and 4', { integer: true, multipleOf: [3, 4] }],
    ['number multipleOf 2.5 ≤ 20', { integer: false, upper: { value: 20, exclusive: false }, multipleOf: [2.5] }],
    ['non-integers', { integer: false, nonInteger: true, multipleOf: [] }],
    ['non-integers in [-2, 3.5)', { integer: false, nonInteger: true, lower: { value: -2, exclusive: false }, upper: { value: 3.5, exclusive: true }, multipleOf: [] }],
    ['non-integer multiples of 0.5', { integer: false, nonInteger: true, multipleOf: [0.5] }],
  ];
  const candidates = texts(25, 2);

  it.each(cases)('%s', (_name, constraints) => {
    const grammar = grammarFor(constraints)!;
    for (const text of candidates) {
      const value = Number(text);
      const expected =
        isCanonicalJsonNumber(text) &&
        (!constraints.integer || !text.includes('.')) &&
        (!constraints.nonInteger || !Number.isInteger(value)) &&
        (constraints.lower === undefined || (constraints.lower.exclusive ? value > constraints.lower.value : value >= constraints.lower.value)) &&
        (constraints.upper === undefined || (constraints.upper.exclusive ? value < constraints.upper.value : value <= constraints.upper.value)) &&
        constraints.multipleOf.every((m) => Math.abs(Math.round(value / m) - value / m) < 1e-9);
      if (grammar.test(text) !== expected) throw new Error(`${text}: grammar ${grammar.test(text)}, expected ${expected}`);
    }
  });

  it('caps integers at 15 digits and decimals at 9 + 6 digits, without exponents', () => {
    const integer = grammarFor({ integer: true, multipleOf: [] })!;
    expect(integer.test('999999999999999')).toBe(true);
    expect(integer.test('1000000000000000')).toBe(false);
    const number = grammarFor({ integer: false, multipleOf: [] })!;
    expect(number.test('123456789.123456')).toBe(true);
    expect(number.test('1234567890.5')).toBe(false);
    expect(number.test('0.1234567')).toBe(false);
    expect(number.test('1e5')).toBe(false);
  });

  it('reads bounds beyond the cap as the cap, and an empty range as no number', () => {
    expect(grammarFor({ integer: true, lower: { value: 1e20, exclusive: false }, multipleOf: [] })).toBeUndefined();
    expect(grammarFor({ integer: true, lower: { value: 5, exclusive: true }, upper: { value: 5, exclusive: false }, multipleOf: [] })).toBeUndefined();
    expect(grammarFor({ integer: true, upper: { value: 1e300, exclusive: false }, multipleOf: [] })!.test('42')).toBe(true);
  });

  it('refuses a multipleOf needing a modulus above 1000', () => {
    expect(() => grammarFor({ integer: true, multipleOf: [1009] })).toThrow(NumberGrammarError);
  });
});
