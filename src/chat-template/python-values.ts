/**
 * Python value semantics for template data: JSON-like JS values stand for Python objects
 * (string → str, number → int when integral else float, boolean → bool, null → None,
 * array → list, plain object → dict) plus Jinja2's `Undefined` and `Namespace`.
 *
 * Followed: CPython's `str()`/`repr()`/`==`/ordering/truthiness rules and Jinja2 3.1
 * `jinja2/runtime.py` (`Undefined`) and `jinja2/utils.py` (`Namespace`, `object_type_repr`).
 * Known limitation: JS cannot tell `1.0` from `1`, so integral floats below 2**53 behave as ints.
 */
import { pythonError } from './chat-template-error';

/**
 * Jinja2's `Undefined`: what a missing variable, attribute or item evaluates to. Renders as '',
 * is falsy and iterates as empty; arithmetic, calls, attribute access and item access on it
 * raise `UndefinedError` carrying `hint` (Jinja2's own wording, e.g. `'x' is undefined`).
 */
export class Undefined {
  constructor(
    readonly hint: string,
    readonly pythonType: string = 'UndefinedError',
  ) {}

  /** Throws the error Jinja2 raises when this value is used. */
  fail(): never {
    throw pythonError(this.pythonType, this.hint);
  }

  toString(): string {
    return '';
  }
}

/**
 * markupsafe's `Markup` (what `|safe` and `|escape` return): a str whose `+` HTML-escapes a plain
 * str operand (`Markup('<') + '>'` is `<&gt;`).
 */
export class Markup extends String {}

/** markupsafe's `escape` of a str. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/>/g, '&gt;')
    .replace(/</g, '&lt;')
    .replace(/'/g, '&#39;')
    .replace(/"/g, '&#34;');
}

/** Jinja2's `namespace(...)` object: the only object `{% set ns.attr = … %}` may assign to. */
export class Namespace {
  readonly attributes: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
}

const TUPLES = new WeakSet<readonly unknown[]>();

/** Marks `items` as a Python tuple (printed `(a, b)`, unequal to lists); returns it. */
export function tuple<T extends unknown[]>(items: T): T {
  TUPLES.add(items);
  return items;
}

export function isTuple(value: unknown): value is unknown[] {
  return Array.isArray(value) && TUPLES.has(value);
}

/**
 * Python iterators and dict views that Jinja2 filters and dict methods return: generators
 * (`select`, `map`, `items`, …) and `reversed()` iterators are truthy, have no `len()` and can be
 * iterated once; dict views have a length and can be iterated again. None is JSON serializable.
 */
export type LazyKind = 'generator' | 'list_reverseiterator' | 'dict_items' | 'dict_keys' | 'dict_values';

const LAZY = new WeakMap<readonly unknown[], { kind: LazyKind; consumed: boolean }>();

/** Marks `items` as a Python iterator or view of the given kind; returns it. */
export function lazy<T extends unknown[]>(items: T, kind: LazyKind): T {
  LAZY.set(items, { kind, consumed: false });
  return items;
}

export function lazyKind(value: unknown): LazyKind | undefined {
  return Array.isArray(value) ? LAZY.get(value)?.kind : undefined;
}

/** Whether `value` is a one-shot iterator (generator or reverse iterator) rather than a view. */
export function isOneShot(value: unknown): boolean {
  const kind = lazyKind(value);
  return kind === 'generator' || kind === 'list_reverseiterator';
}

/** The items a one-shot iterator still yields (none once consumed); views and lists as they are. */
export function consume(value: unknown[]): unknown[] {
  const state = LAZY.get(value);
  if (state === undefined || !isOneShot(value)) return value;
  if (state.consumed) return [];
  state.consumed = true;
  return value;
}

/** A Python dict: a plain JS object (not an array, string wrapper, Namespace or Undefined). */
export type PyDict = Record<string, unknown>;

export function isUndefined(value: unknown): value is Undefined | undefined {
  return value === undefined || value instanceof Undefined;
}

/** Raises Jinja2's error for an undefined operand; a bare JS `undefined` gets a generic hint. */
export function failUndefined(value: Undefined | undefined): never {
  if (value instanceof Undefined) value.fail();
  throw pythonError('UndefinedError', 'value is undefined');
}

/** The string content of a str, including Nunjucks' SafeString (a `String` subclass); else null. */
export function asString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof String) return value.toString();
  return null;
}

export function isDict(value: unknown): value is PyDict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own, defined entries of a dict, in insertion order. */
export function dictEntries(value: PyDict): [string, unknown][] {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

export function dictHas(value: PyDict, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key) && value[key] !== undefined;
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && isPyInt(value);
}

/** Python's `type(value).__name__`. */
export function typeName(value: unknown): string {
  if (isUndefined(value)) return 'Undefined';
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isPyInt(value) ? 'int' : 'float';
  if (value instanceof Markup) return 'Markup';
  if (asString(value) !== null) return 'str';
  if (Array.isArray(value)) return lazyKind(value) ?? (isTuple(value) ? 'tuple' : 'list');
  if (value instanceof Namespace) return 'Namespace';
  if (typeof value === 'function') return 'function';
  if (isDict(value)) return 'dict';
  return 'object';
}

/** Jinja2's `object_type_repr`: how error messages name the type of a value. */
function objectTypeRepr(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof Namespace) return 'jinja2.utils.Namespace object';
  if (value instanceof Markup) return 'markupsafe.Markup object';
  if (isUndefined(value)) return 'jinja2.runtime.Undefined object';
  return `${typeName(value)} object`;
}

/** Jinja2's hint for a missing attribute (`obj.name`) or item (`obj[key]`). */
export function missingMemberHint(container: unknown, key: unknown): string {
  if (typeof key === 'string') return `${reprString(objectTypeRepr(container))} has no attribute ${reprString(key)}`;
  return `${objectTypeRepr(container)} has no element ${repr(key)}`;
}

/** Python truthiness (`bool(value)`): empty str/list/dict, 0, None, False and Undefined are false. */
export function truthy(value: unknown): boolean {
  if (isUndefined(value) || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  const text = asString(value);
  if (text !== null) return text.length > 0;
  if (isOneShot(value)) return true;
  if (Array.isArray(value)) return value.length > 0;
  if (isDict(value)) return dictEntries(value).length > 0;
  return true;
}

/** Python `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Object.is(value, -0)) return '-0.0';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  const sign = value < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${body}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fracPart = digits.slice(exponent + 1);
  return `${sign}${intPart}.${fracPart === '' ? '0' : fracPart}`;
}

/**
 * Whether a JS number stands for a Python int: integral and exactly representable (larger
 * integral doubles, e.g. 1e100, come from floats).
 */
export function isPyInt(value: number): boolean {
  return Number.isSafeInteger(value);
}

/** Python `str(number)`: ints print all digits, floats use float repr. */
export function numberStr(value: number): string {
  return isPyInt(value) ? String(value === 0 ? 0 : value) : floatRepr(value);
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python `repr(str)`: quote choice and escapes as CPython's `unicode_repr`. */
function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escapeCodePoint(ch.codePointAt(0) ?? 0);
    else out += ch;
  }
  return out + quote;
}

function escapeCodePoint(code: number): string {
  const hex = code.toString(16);
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** Python `repr(value)`. */
export function repr(value: unknown): string {
  const text = asString(value);
  if (text !== null) return reprString(text);
  if (value instanceof Undefined || value === undefined) return 'Undefined';
  return str(value);
}

/** Python `str(value)`, as `{{ value }}` prints it (Undefined prints as ''). */
export function str(value: unknown): string {
  if (isUndefined(value)) return '';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberStr(value);
  const text = asString(value);
  if (text !== null) return text;
  const kind = lazyKind(value);
  if (kind !== undefined && isOneShot(value)) return `<${kind} object>`;
  if (kind !== undefined) return `${kind}(${str([...(value as unknown[])])})`;
  if (isTuple(value)) return `(${value.map(repr).join(', ')}${value.length === 1 ? ',' : ''})`;
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  if (value instanceof Namespace) return `<Namespace ${str(value.attributes)}>`;
  if (isDict(value)) return `{${dictEntries(value).map(([k, v]) => `${reprString(k)}: ${repr(v)}`).join(', ')}}`;
  if (typeof value === 'function') return `<function ${value.name || '<anonymous>'}>`;
  return String(value);
}

/** Python `==`. */
export function equals(a: unknown, b: unknown): boolean {
  if (isUndefined(a) || isUndefined(b)) return isUndefined(a) && isUndefined(b);
  if (a === null || b === null) return a === b;
  const numA = numericValue(a);
  const numB = numericValue(b);
  if (numA !== null || numB !== null) return numA !== null && numB !== null && numA === numB;
  const textA = asString(a);
  const textB = asString(b);
  if (textA !== null || textB !== null) return textA === textB;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      isTuple(a) === isTuple(b) &&
      a.length === b.length &&
      a.every((item, i) => equals(item, b[i]))
    );
  }
  if (isDict(a) && isDict(b)) {
    const entriesA = dictEntries(a);
    return entriesA.length === dictEntries(b).length && entriesA.every(([k, v]) => dictHas(b, k) && equals(v, b[k]));
  }
  return a === b;
}

/** The numeric value of an int, float or bool (Python treats bool as int); else null. */
export function numericValue(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** Compares strings by code point, as Python does (JS `<` compares UTF-16 units). */
function compareStrings(a: string, b: string): number {
  const pointsA = Array.from(a);
  const pointsB = Array.from(b);
  const n = Math.min(pointsA.length, pointsB.length);
  for (let i = 0; i < n; i++) {
    const diff = (pointsA[i].codePointAt(0) ?? 0) - (pointsB[i].codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return pointsA.length - pointsB.length;
}

/**
 * Python ordering for `<`, `<=`, `>`, `>=` (sign of a − b); raises TypeError for unorderable
 * operands exactly as CPython words it.
 */
export function order(op: string, a: unknown, b: unknown): number {
  if (isUndefined(a)) failUndefined(a);
  if (isUndefined(b)) failUndefined(b);
  const numA = numericValue(a);
  const numB = numericValue(b);
  if (numA !== null && numB !== null) return numA < numB ? -1 : numA > numB ? 1 : 0;
  const textA = asString(a);
  const textB = asString(b);
  if (textA !== null && textB !== null) return compareStrings(textA, textB);
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!equals(a[i], b[i])) return order(op, a[i], b[i]);
    }
    return a.length - b.length;
  }
  throw pythonError(
    'TypeError',
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}
