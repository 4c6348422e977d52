import { repeat } from './gbnf-text';

/**
 * JSON Schema number constraints (`minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
 * `multipleOf`, `type: integer`; JSON Schema 2020-12 validation §6.2) as GBNF, exactly, within the
 * digit cap:
 *
 * - an integer has at most `INTEGER_DIGITS` (15) digits, no sign on zero, no leading zeros;
 * - a decimal has 1 to `DECIMAL_INTEGER_DIGITS` (9) integer digits and 1 to `FRACTION_DIGITS` (6)
 *   fraction digits (trailing zeros allowed); no exponent.
 *
 * Both shapes have at most 15 significant digits, so each accepted text is a distinct IEEE 754
 * double and comparisons made on parsed numbers (ajv) agree with the exact decimal ones made here.
 * Bounds are read as the shortest decimal of their double (`String(n)`), i.e. as written in the
 * schema.
 */
export const INTEGER_DIGITS = 15;
export const DECIMAL_INTEGER_DIGITS = 9;
export const FRACTION_DIGITS = 6;

/** Largest multipleOf modulus (after removing factors of ten) tracked digit by digit. */
const MAX_MODULUS = 1000;

/** A numeric bound as written in a schema. */
export interface NumericBound {
  value: number;
  exclusive: boolean;
}

/** The number constraints of one schema (already merged). */
export interface NumberConstraints {
  integer: boolean;
  /** Only numbers that are not integers (`not: {type: integer}`): a nonzero fraction digit. */
  nonInteger?: boolean;
  lower?: NumericBound;
  upper?: NumericBound;
  multipleOf: number[];
}

/** Raised when the constraints cannot be enforced exactly (the caller reports it). */
export class NumberGrammarError extends Error {
  override readonly name = 'NumberGrammarError';
}

/** An exact decimal `mantissa × 10^exponent`. */
interface Decimal {
  mantissa: bigint;
  exponent: number;
}

function toDecimal(value: number): Decimal {
  if (!Number.isFinite(value)) throw new NumberGrammarError(`${value} is not a finite number`);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!match) throw new NumberGrammarError(`cannot read ${value}`);
  const [, sign, int, frac = '', exp = '0'] = match;
  const mantissa = BigInt(`${sign}${int}${frac}`);
  return { mantissa, exponent: Number(exp) - frac.length };
}

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);

/** floor(d × 10^scale) and whether it was exact. */
function scaled(d: Decimal, scale: number): { floor: bigint; exact: boolean } {
  const e = d.exponent + scale;
  if (e >= 0) return { floor: d.mantissa * pow10(e), exact: true };
  const div = pow10(-e);
  let q = d.mantissa / div;
  const r = d.mantissa % div;
  if (r !== 0n && d.mantissa < 0n) q -= 1n;
  return { floor: q, exact: r === 0n };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** A shape of number text: integers (scale 0) or decimals (scale = FRACTION_DIGITS). */
interface Shape {
  scale: number;
  /** Largest magnitude in units of 10^-scale. */
  cap: bigint;
  /** Integer-part lengths. */
  maxIntDigits: number;
}

const INTEGER_SHAPE: Shape = { scale: 0, cap: pow10(INTEGER_DIGITS) - 1n, maxIntDigits: INTEGER_DIGITS };
const DECIMAL_SHAPE: Shape = {
  scale: FRACTION_DIGITS,
  cap: pow10(DECIMAL_INTEGER_DIGITS + FRACTION_DIGITS) - 1n,
  maxIntDigits: DECIMAL_INTEGER_DIGITS,
};

/**
 * The GBNF expression for numbers satisfying `constraints`, or `undefined` when no number in the
 * digit cap does. Rules it needs are added through `addRule(nameHint, body)`, which returns the
 * rule's name.
 *
 * @throws NumberGrammarError when a `multipleOf` cannot be enforced exactly (modulus too large)
 */
export function numberExpression(
  constraints: NumberConstraints,
  addRule: (nameHint: string, body: string) => string,
): string | undefined {
  if (constraints.integer && constraints.nonInteger) return undefined;
  const shapes = constraints.integer ? [INTEGER_SHAPE] : constraints.nonInteger ? [DECIMAL_SHAPE] : [INTEGER_SHAPE, DECIMAL_SHAPE];
  const alternatives: string[] = [];
  for (const shape of shapes) {
    const modulus = modulusFor(constraints.multipleOf, shape);
    let lo = -shape.cap;
    let hi = shape.cap;
    if (constraints.lower) {
      const { floor, exact } = scaled(toDecimal(constraints.lower.value), shape.scale);
      const ceil = exact ? floor : floor + 1n;
      const min = exact && constraints.lower.exclusive ? ceil + 1n : ceil;
      if (min > lo) lo = min;
    }
    if (constraints.upper) {
      const { floor, exact } = scaled(toDecimal(constraints.upper.value), shape.scale);
      const max = exact && constraints.upper.exclusive ? floor - 1n : floor;
      if (max < hi) hi = max;
    }
    if (lo > hi) continue;
    const emitter = new DigitEmitter(shape, modulus, constraints.nonInteger === true, addRule);
    const parts: string[] = [];
    if (lo <= 0n) {
      // negative values: magnitude in [max(1, -hi), -lo]; "-0" is never produced
      const mLo = hi < 0n ? -hi : 1n;
      const negative = emitter.magnitudes(mLo, -lo);
      if (negative) parts.push(`"-" ${wrap(negative)}`);
    }
    if (hi >= 0n) {
      const positive = emitter.magnitudes(lo > 0n ? lo : 0n, hi);
      if (positive) parts.push(positive);
    }
    alternatives.push(...parts);
  }
  if (alternatives.length === 0) return undefined;
  return alternatives.length === 1 ? alternatives[0] : alternatives.map(wrap).join(' | ');
}

const wrap = (expression: string): string => (/^[^ |()]+$/.test(expression) ? expression : `(${expression})`);

/** v must be a multiple of `factor × 10^zeros` (in units of the shape). */
interface Modulus {
  factor: bigint;
  zeros: number;
}

function modulusFor(multipleOf: number[], shape: Shape): Modulus {
  let q = 1n;
  for (const m of multipleOf) {
    if (!(m > 0)) throw new NumberGrammarError(`multipleOf must be greater than 0`);
    const d = toDecimal(m);
    // x = v·10^-scale is a multiple of p·10^e  ⇔  v is a multiple of p·10^(e+scale) (if ≥ 0), else of p/gcd(p, 10^-(e+scale))
    const p = d.mantissa;
    const e = d.exponent + shape.scale;
    const unit = e >= 0 ? p * pow10(e) : p / gcd(p, pow10(-e));
    q = (q * unit) / gcd(q, unit);
  }
  let zeros = 0;
  while (q % TEN === 0n) {
    q /= TEN;
    zeros += 1;
  }
  if (q > BigInt(MAX_MODULUS)) {
    throw new NumberGrammarError(
      `multipleOf needs divisibility by ${q}, above the ${MAX_MODULUS} this converter tracks exactly`,
    );
  }
  return { factor: q, zeros };
}

/**
 * Digit-by-digit construction of the magnitudes in a range (units of the shape), by length: for each
 * count of integer digits, the digit strings between the range ends clipped to that length, with
 * "tight" prefixes following a bound and free suffixes written in closed form.
 */
class DigitEmitter {
  private readonly shared = new Map<string, string | null>();

  constructor(
    private readonly shape: Shape,
    private readonly modulus: Modulus,
    /** a nonzero fraction digit is required (non-integers only) */
    private readonly needsNonzero: boolean,
    private readonly addRule: (nameHint: string, body: string) => string,
  ) {}

  /** Texts (without sign) of magnitudes in [lo, hi] (units), lo ≥ 0. */
  magnitudes(lo: bigint, hi: bigint): string | undefined {
    if (lo > hi) return undefined;
    const { scale, maxIntDigits } = this.shape;
    const closedForm = this.modulus.factor === 1n && this.modulus.zeros <= scale;
    const alternatives: string[] = [];
    let fullRun: [number, number] | undefined;
    const flushRun = () => {
      if (!fullRun) return;
      const [from, to] = fullRun;
      const fraction = scale > 0 ? this.freeTail(1, 1 + scale, false) : '';
      if (fraction === null) {
        fullRun = undefined;
        return;
      }
      const integer =
        from === 1
          ? to === 1
            ? '[0-9]'
            : `("0" | [1-9] ${repeat('[0-9]', 0, to - 1)})`
          : `[1-9] ${repeat('[0-9]', from - 1, to - 1)}`;
      alternatives.push([integer, fraction].filter(Boolean).join(' '));
      fullRun = undefined;
    };
    for (let intDigits = 1; intDigits <= maxIntDigits; intDigits++) {
      const min = intDigits === 1 ? 0n : pow10(intDigits - 1 + scale);
      const max = pow10(intDigits + scale) - 1n;
      const a = lo > min ? lo : min;
      const b = hi < max ? hi : max;
      if (a > b) continue;
      if (closedForm && a === min && b === max && (intDigits > 1 || this.modulus.zeros === 0)) {
        if (fullRun && fullRun[1] === intDigits - 1) fullRun[1] = intDigits;
        else {
          flushRun();
          fullRun = [intDigits, intDigits];
        }
        continue;
      }
      flushRun();
      const width = intDigits + scale;
      const expr = this.state(0, width, a.toString().padStart(width, '0'), b.toString().padStart(width, '0'), 0n, false);
      if (expr !== null) alternatives.push(expr);
    }
    flushRun();
    if (alternatives.length === 0) return undefined;
    return alternatives.length === 1 ? alternatives[0] : alternatives.map(wrap).join(' | ');
  }

  /**
   * The remaining text from digit position `pos` of a `width`-digit magnitude; `lo`/`hi` are the
   * bound's digits while the prefix still equals that bound's (else ''), `rem` the prefix's value
   * modulo the modulus factor. `null` when nothing completes.
   */
  private state(pos: number, width: number, lo: string, hi: string, rem: bigint, nonzero: boolean): string | null {
    // a bound whose remaining digits are all 0 (lower) or all 9 (upper) no longer restricts anything
    if (lo !== '' && /^0*$/.test(lo.slice(pos))) lo = '';
    if (hi !== '' && /^9*$/.test(hi.slice(pos))) hi = '';
    const remaining = width - pos;
    if (remaining === 0) return rem === 0n && (nonzero || !this.needsNonzero) ? '' : null;
    const free = lo === '' && hi === '';
    if (free && this.modulus.factor === 1n) return this.freeTail(pos, width, nonzero);
    if (free) {
      const key = `${remaining}:${rem}:${nonzero}`;
      if (!this.shared.has(key)) {
        this.shared.set(key, null);
        const body = this.alternatives(pos, width, '', '', rem, nonzero);
        this.shared.set(key, body === null ? null : this.addRule(`mod-${this.modulus.factor}-${remaining}-${rem}`, body));
      }
      return this.shared.get(key) ?? null;
    }
    return this.alternatives(pos, width, lo, hi, rem, nonzero);
  }

  private alternatives(pos: number, width: number, lo: string, hi: string, rem: bigint, nonzero: boolean): string | null {
    const { scale } = this.shape;
    const forced = pos >= width - this.modulus.zeros;
    const dLo = lo === '' ? 0 : Number(lo[pos]);
    const dHi = forced ? 0 : hi === '' ? 9 : Number(hi[pos]);
    const byNext = new Map<string, number[]>();
    for (let d = dLo; d <= dHi; d++) {
      const nextLo = lo !== '' && d === Number(lo[pos]) ? lo : '';
      const nextHi = hi !== '' && d === Number(hi[pos]) ? hi : '';
      const nextRem = forced ? rem : (rem * TEN + BigInt(d)) % this.modulus.factor;
      const inFraction = pos >= width - scale;
      const next = this.state(pos + 1, width, nextLo, nextHi, nextRem, nonzero || (inFraction && d > 0));
      if (next === null) continue;
      const digits = byNext.get(next) ?? [];
      digits.push(d);
      byNext.set(next, digits);
    }
    const options: string[] = [];
    for (const [next, digits] of byNext) {
      options.push([digitClass(digits), next].filter(Boolean).join(' '));
    }
    const fractionDigitsRead = pos - (width - scale);
    const ends = scale > 0 && fractionDigitsRead >= 1 && (nonzero || !this.needsNonzero);
    if (ends && this.canEndHere(pos, width, lo, rem)) options.push('');
    if (options.length === 0) return null;
    const point = scale > 0 && pos === width - scale ? '"." ' : '';
    const body = options.length === 1 ? options[0] : `(${options.join(' | ')})`;
    return `${point}${body}`.trim();
  }

  /** In the fraction: may the text stop here, i.e. are all-zero remaining digits in range and a multiple? */
  private canEndHere(pos: number, width: number, lo: string, rem: bigint): boolean {
    if (lo !== '' && /[1-9]/.test(lo.slice(pos))) return false;
    const counted = Math.max(0, width - this.modulus.zeros - pos);
    return (rem * pow10(counted)) % this.modulus.factor === 0n;
  }

  /**
   * Free digits from `pos` to the end (no bound, no modulus factor), in closed form; `nonzero`: a
   * nonzero fraction digit was already written (matters when one is required).
   */
  private freeTail(pos: number, width: number, nonzero: boolean): string | null {
    const { scale } = this.shape;
    const zeros = this.modulus.zeros;
    const intEnd = width - scale; // index of the first fraction digit
    const forcedFrom = width - zeros;
    const parts: string[] = [];
    const intFree = Math.max(0, Math.min(intEnd, forcedFrom) - pos);
    const intForced = Math.max(0, intEnd - Math.max(pos, forcedFrom));
    if (pos < intEnd) {
      if (intFree > 0) parts.push(repeat('[0-9]', intFree, intFree));
      if (intForced > 0) parts.push(repeat('"0"', intForced, intForced));
    }
    if (scale > 0) {
      const fracStart = Math.max(pos, intEnd);
      const read = fracStart - intEnd;
      const fracFree = Math.max(0, forcedFrom - fracStart);
      const fracLeft = width - fracStart;
      const fracForced = fracLeft - fracFree;
      const point = read === 0 ? '"." ' : '';
      const join = (items: string[]) => items.filter(Boolean).join(' ');
      if (this.needsNonzero && !nonzero) {
        // k zeros, then the first nonzero digit, then anything (and optional forced zeros)
        const options: string[] = [];
        for (let k = 0; k < fracFree; k++) {
          options.push(join([repeat('"0"', k, k), '[1-9]', repeat('[0-9]', 0, fracFree - k - 1), repeat('"0"', 0, fracForced)]));
        }
        if (options.length === 0) return null;
        parts.push(`${point}${options.length === 1 ? options[0] : `(${options.join(' | ')})`}`);
      } else if (read === 0) {
        // at least one fraction digit follows the point
        const tail = fracFree > 0 ? join([repeat('[0-9]', 1, fracFree), repeat('"0"', 0, fracForced)]) : repeat('"0"', 1, fracForced);
        parts.push(`${point}${tail}`);
      } else if (fracLeft > 0) {
        parts.push(fracFree > 0 ? join([repeat('[0-9]', 0, fracFree), repeat('"0"', 0, fracForced)]) : repeat('"0"', 0, fracForced));
      }
    }
    return parts.filter(Boolean).join(' ');
  }
}

function digitClass(digits: number[]): string {
  const runs: string[] = [];
  let start = digits[0];
  let prev = digits[0];
  for (const d of [...digits.slice(1), NaN]) {
    if (d === prev + 1) {
      prev = d;
      continue;
    }
    runs.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = d;
    prev = d;
  }
  if (runs.length === 1 && !runs[0].includes('-')) return `"${runs[0]}"`;
  return `[${runs.join('')}]`;
}
