/**
 * Text-level GBNF helpers (llama.cpp grammars/README.md syntax, parser in src/llama-grammar.cpp):
 * escaped literals and character classes, and repetition within the parser's limits.
 */

/**
 * Largest repetition count written as `{m,n}` directly. llama.cpp's parser (src/llama-grammar.cpp,
 * `MAX_REPETITION_THRESHOLD` = 2000) silently turns `{m,n}` with n > 2000 into `{m,}` and rejects
 * m > 2000, so larger counts are decomposed (see `repeat`).
 */
export const MAX_GBNF_REPETITION = 1000;

/** An inclusive range of Unicode code points. */
export type CodePointRange = readonly [number, number];

/** Highest Unicode code point. */
export const MAX_CODE_POINT = 0x10ffff;

/** One code point as a GBNF character escape, or itself when it is a plain ASCII letter or digit. */
export function gbnfChar(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) {
    return String.fromCodePoint(cp);
  }
  if (cp === 0x20) return ' ';
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/**
 * `text` as a GBNF string literal. Everything except ASCII letters, digits and space is written as a
 * `\x`/`\u`/`\U` escape, so no text can close the literal or inject grammar.
 */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const ch of text) out += gbnfChar(ch.codePointAt(0)!);
  return `${out}"`;
}

/** Sorted, merged, non-overlapping ranges. */
export function normalizeRanges(ranges: readonly CodePointRange[]): CodePointRange[] {
  const sorted = [...ranges].filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The code points of 0..U+10FFFF not in `ranges`. */
export function complementRanges(ranges: readonly CodePointRange[]): CodePointRange[] {
  const out: CodePointRange[] = [];
  let next = 0;
  for (const [a, b] of normalizeRanges(ranges)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** `ranges` minus `removed`. */
export function subtractRanges(
  ranges: readonly CodePointRange[],
  removed: readonly CodePointRange[],
): CodePointRange[] {
  const keep = complementRanges(removed);
  const out: CodePointRange[] = [];
  for (const [a, b] of normalizeRanges(ranges)) {
    for (const [c, d] of keep) {
      const lo = Math.max(a, c);
      const hi = Math.min(b, d);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return out;
}

/**
 * A GBNF character class matching exactly `ranges` (non-empty), written positively or negated,
 * whichever is shorter; every non-alphanumeric character escaped.
 */
export function gbnfClass(ranges: readonly CodePointRange[]): string {
  const norm = normalizeRanges(ranges);
  if (norm.length === 0) throw new Error('empty character class');
  const write = (rs: readonly CodePointRange[]) =>
    rs.map(([a, b]) => (a === b ? gbnfChar(a) : `${gbnfChar(a)}-${gbnfChar(b)}`)).join('');
  const positive = `[${write(norm)}]`;
  const complement = complementRanges(norm);
  if (complement.length === 0) return positive;
  const negative = `[^${write(complement)}]`;
  return negative.length < positive.length ? negative : positive;
}

/** Largest repetition count `repeat` can write exactly (blocks of ten, each repeated at most 1000 times). */
export const MAX_EXACT_REPETITION = 10 * MAX_GBNF_REPETITION;

/**
 * `atom` repeated between `min` and `max` times (`max` undefined: unbounded), as GBNF. `atom` must be
 * a single symbol (rule name, literal or class), or a parenthesised group of such symbols when the
 * counts are at most `MAX_GBNF_REPETITION`. Larger counts are decomposed into blocks of ten, because
 * llama.cpp's parser would otherwise turn `{m,n}` into `{m,}`.
 *
 * @throws Error when a count exceeds `MAX_EXACT_REPETITION` (callers report it as a schema issue)
 */
export function repeat(atom: string, min: number, max: number | undefined): string {
  if (max !== undefined && max < min) throw new Error(`invalid repetition {${min},${max}}`);
  if (max === 0) return '';
  const B = MAX_GBNF_REPETITION;
  if (min > B || (max !== undefined && max > B)) {
    if (min > MAX_EXACT_REPETITION || (max !== undefined && max > MAX_EXACT_REPETITION)) {
      throw new RepetitionLimitError(`a count above ${MAX_EXACT_REPETITION} cannot be enforced`);
    }
    if (atom.startsWith('(')) throw new Error('repeat: hoist a group into a rule before repeating it this often');
    const block = `(${Array.from({ length: 10 }, () => atom).join(' ')})`;
    // min = 10q + r: q blocks of ten, r single atoms, then the optional rest
    const q = Math.floor(min / 10);
    const r = min % 10;
    const head = [repeat(block, q, q), repeat(atom, r, r)].filter(Boolean).join(' ');
    if (max === undefined) return [head, `${atom}*`].filter(Boolean).join(' ');
    const extra = max - min; // 0..extra more atoms: (blocks of ten)(0..9 atoms), split exactly
    const eq = Math.floor(extra / 10);
    const er = extra % 10;
    const tail =
      eq === 0
        ? repeat(atom, 0, er)
        : `(${[repeat(block, 0, eq - 1), repeat(atom, 0, 9)].filter(Boolean).join(' ')} | ${[
            repeat(block, eq, eq),
            repeat(atom, 0, er),
          ]
            .filter(Boolean)
            .join(' ')})`;
    return [head, tail].filter(Boolean).join(' ');
  }
  if (max === undefined) {
    if (min === 0) return `${atom}*`;
    if (min === 1) return `${atom}+`;
    return `${atom}{${min},}`;
  }
  if (min === max) return min === 1 ? atom : `${atom}{${min}}`;
  if (min === 0 && max === 1) return `${atom}?`;
  return `${atom}{${min},${max}}`;
}

/** A repetition count beyond what `repeat` can write exactly. */
export class RepetitionLimitError extends Error {
  override readonly name = 'RepetitionLimitError';
}
