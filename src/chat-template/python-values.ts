/**
 * Python value semantics for template data: JSON-like JS values stand for Python objects
 * (string → str, number → int when a safe integer else float, boolean → bool, null → None,
 * array → list, plain object → dict with str keys) plus the Python values JS has no literal
 * for: {@link PyFloat} (an integral float such as `2.0`), {@link Dict} (a dict a template builds,
 * whose keys may be any hashable value, in insertion order), Jinja2's `Undefined` and `Namespace`.
 *
 * Followed: CPython's `str()`/`repr()`/`==`/`hash()`/ordering/truthiness rules and Jinja2 3.1
 * `jinja2/runtime.py` (`Undefined`) and `jinja2/utils.py` (`Namespace`, `object_type_repr`).
 * Known limitation: plain JS numbers that are integral stand for ints, so a float that reached us
 * through `JSON.parse` (e.g. `1.0` in request JSON) behaves as an int.
 */
import { pythonError } from './chat-template-error';
import { splitArguments } from './python-arguments';

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

/**
 * A Python float with an integral value (`2.0`, `-1.0`, `1e20`), which a plain JS number would
 * turn into an int. Floats with a fractional part (and NaN/±inf) stay plain numbers.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** The Python float `value`: a {@link PyFloat} when integral and finite, else the number itself. */
export function pyFloat(value: number): number | PyFloat {
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

/** Whether `value` is a Python float (a PyFloat, or a number that is not a safe integer). */
export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !isPyInt(value));
}

/**
 * A dict built by a template (`{0: 'a', none: 1}`, `dict(...)`): keys of any hashable type, kept
 * in insertion order (JS objects would turn keys into strings and put integer-like ones first).
 * Entries are indexed by {@link hashKey}; like Python, the first key inserted among equal keys
 * (`1`, `1.0`, `True`) is the one kept, with the last value.
 */
export class Dict {
  readonly entries = new Map<string, [unknown, unknown]>();

  /** A dict of `pairs`, in order; later duplicates overwrite the value of the first key. */
  static of(pairs: Iterable<readonly [unknown, unknown]>): Dict {
    const dict = new Dict();
    for (const [key, value] of pairs) {
      const hash = hashKey(key);
      if (hash === null) throw pythonError('TypeError', `unhashable type: '${typeName(key)}'`);
      const existing = dict.entries.get(hash);
      dict.entries.set(hash, [existing === undefined ? key : existing[0], value]);
    }
    return dict;
  }
}

/**
 * Python's hash equality as a string: equal keys (`1 == 1.0 == True`, equal tuples) get the same
 * string; null for unhashable values (lists, dicts, Undefined).
 */
export function hashKey(key: unknown): string | null {
  const text = asString(key);
  if (text !== null) return `s${text}`;
  if (key === null) return 'N';
  const number = numericValue(key);
  if (number !== null) return `n${number === 0 ? 0 : number}`;
  if (isTuple(key)) {
    const parts = key.map(hashKey);
    return parts.includes(null) ? null : `t${JSON.stringify(parts)}`;
  }
  return null;
}

const CHANGED_STATE = new WeakMap<readonly unknown[], { last?: unknown[] }>();

/**
 * Jinja2's `loop` object (`jinja2/runtime.py` LoopContext) for iteration `index0` over `items`:
 * `index`, `index0`, `revindex`, `revindex0`, `first`, `last`, `length`, `depth`, `depth0`,
 * `previtem`, `nextitem`, `cycle(...)`, `changed(...)`, computed on access.
 */
export class LoopContext {
  constructor(
    readonly items: readonly unknown[],
    readonly index0: number,
  ) {}

  /** The attribute `name`, or JS undefined when a LoopContext has none by that name. */
  attribute(name: string): unknown {
    const { items, index0 } = this;
    const length = items.length;
    switch (name) {
      case 'index':
        return index0 + 1;
      case 'index0':
        return index0;
      case 'revindex':
        return length - index0;
      case 'revindex0':
        return length - index0 - 1;
      case 'first':
        return index0 === 0;
      case 'last':
        return index0 === length - 1;
      case 'length':
        return length;
      case 'depth':
        return 1;
      case 'depth0':
        return 0;
      case 'previtem':
        return index0 > 0 ? items[index0 - 1] : new Undefined('there is no previous item');
      case 'nextitem':
        return index0 < length - 1 ? items[index0 + 1] : new Undefined('there is no next item');
      case 'cycle':
        return (...args: unknown[]): unknown => {
          const values = splitArguments(args).positional;
          if (values.length === 0) throw pythonError('TypeError', 'no items for cycling given');
          return values[index0 % values.length];
        };
      case 'changed':
        return (...args: unknown[]): boolean => {
          const values = splitArguments(args).positional;
          let state = CHANGED_STATE.get(items);
          if (state === undefined) CHANGED_STATE.set(items, (state = {}));
          if (state.last !== undefined && equals(state.last, values)) return false;
          state.last = values;
          return true;
        };
      default:
        return undefined;
    }
  }
}

/** Jinja2's `namespace(...)` object: the only object `{% set ns.attr = … %}` may assign to. */
export class Namespace {
  readonly attributes: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
}

/**
 * What the value layer knows about an array beyond its items, kept on the array under a symbol
 * (much cheaper than side tables: templates build tuples and iterators at every loop step).
 * Copies (`[...items]`) are plain lists again.
 */
interface ArrayTags {
  tuple?: boolean;
  fields?: readonly string[];
  lazy?: { kind: LazyKind; consumed: boolean };
}

const TAGS = Symbol('python-array-tags');

function tags(value: readonly unknown[]): ArrayTags | undefined {
  return (value as unknown as { [TAGS]?: ArrayTags })[TAGS];
}

function tag<T extends unknown[]>(items: T, extra: ArrayTags): T {
  const carrier = items as unknown as { [TAGS]?: ArrayTags };
  carrier[TAGS] = { ...carrier[TAGS], ...extra };
  return items;
}

/** Marks `items` as a Python tuple (printed `(a, b)`, unequal to lists); returns it. */
export function tuple<T extends unknown[]>(items: T): T {
  return tag(items, { tuple: true });
}

export function isTuple(value: unknown): value is unknown[] {
  return Array.isArray(value) && tags(value)?.tuple === true;
}

/**
 * A named tuple (e.g. Jinja2's `_GroupTuple(grouper, list)` from `groupby`): prints and compares
 * as a tuple, and `fields[i]` is also an attribute naming item i.
 */
export function namedTuple<T extends unknown[]>(items: T, fields: readonly string[]): T {
  return tag(items, { tuple: true, fields });
}

/** The item a named tuple's field `name` refers to, or JS undefined. */
export function tupleField(value: unknown, name: string): unknown {
  if (!Array.isArray(value)) return undefined;
  const index = tags(value)?.fields?.indexOf(name) ?? -1;
  return index < 0 ? undefined : value[index];
}

/**
 * Python iterators and dict views that Jinja2 filters and dict methods return: generators
 * (`select`, `map`, `items`, …) and `reversed()` iterators are truthy, have no `len()` and can be
 * iterated once; dict views have a length and can be iterated again. None is JSON serializable.
 */
export type LazyKind = 'generator' | 'list_reverseiterator' | 'dict_items' | 'dict_keys' | 'dict_values';

/** Marks `items` as a Python iterator or view of the given kind; returns it. */
export function lazy<T extends unknown[]>(items: T, kind: LazyKind): T {
  return tag(items, { lazy: { kind, consumed: false } });
}

export function lazyKind(value: unknown): LazyKind | undefined {
  return Array.isArray(value) ? tags(value)?.lazy?.kind : undefined;
}

/** Whether `value` is a one-shot iterator (generator or reverse iterator) rather than a view. */
export function isOneShot(value: unknown): boolean {
  const kind = lazyKind(value);
  return kind === 'generator' || kind === 'list_reverseiterator';
}

/** The items a one-shot iterator still yields (none once consumed); views and lists as they are. */
export function consume(value: unknown[]): unknown[] {
  const state = tags(value)?.lazy;
  if (state === undefined || !isOneShot(value)) return value;
  if (state.consumed) return [];
  state.consumed = true;
  return value;
}

/** A Python dict: a plain JS object (str keys only, e.g. request JSON) or a {@link Dict}. */
export type PyDict = Record<string, unknown> | Dict;

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
  if (value instanceof Dict) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The (key, value) entries of a dict, in order (own, defined properties of a plain object). */
export function dictEntries(value: PyDict): [unknown, unknown][] {
  if (value instanceof Dict) return [...value.entries.values()];
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

/** `dict[key]`, or JS undefined when the key is absent (or unhashable). */
export function dictGet(value: PyDict, key: unknown): unknown {
  if (value instanceof Dict) {
    const hash = hashKey(key);
    return hash === null ? undefined : value.entries.get(hash)?.[1];
  }
  const name = asString(key);
  return name !== null && Object.prototype.hasOwnProperty.call(value, name) ? value[name] : undefined;
}

/** `key in dict`. */
export function dictHas(value: PyDict, key: unknown): boolean {
  return dictGet(value, key) !== undefined;
}

/** `len(dict)`. */
export function dictSize(value: PyDict): number {
  return value instanceof Dict ? value.entries.size : dictEntries(value).length;
}

/** Whether `value` is a Python int (bool excluded). */
export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && isPyInt(value);
}

/** Python's `type(value).__name__`. */
export function typeName(value: unknown): string {
  if (isUndefined(value)) return 'Undefined';
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isPyInt(value) ? 'int' : 'float';
  if (value instanceof PyFloat) return 'float';
  if (value instanceof Markup) return 'Markup';
  if (asString(value) !== null) return 'str';
  if (Array.isArray(value)) return lazyKind(value) ?? (isTuple(value) ? 'tuple' : 'list');
  if (value instanceof Namespace) return 'Namespace';
  if (value instanceof LoopContext) return 'LoopContext';
  if (typeof value === 'function') return 'function';
  if (isDict(value)) return 'dict';
  return 'object';
}

/** Jinja2's `object_type_repr`: how error messages name the type of a value. */
function objectTypeRepr(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof Namespace) return 'jinja2.utils.Namespace object';
  if (value instanceof LoopContext) return 'jinja2.runtime.LoopContext object';
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
  if (value instanceof PyFloat) return value.value !== 0;
  const text = asString(value);
  if (text !== null) return text.length > 0;
  if (isOneShot(value)) return true;
  if (Array.isArray(value)) return value.length > 0;
  if (isDict(value)) return dictSize(value) > 0;
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
  if (value instanceof PyFloat) return floatRepr(value.value);
  const text = asString(value);
  if (text !== null) return text;
  const kind = lazyKind(value);
  if (kind !== undefined && isOneShot(value)) return `<${kind} object>`;
  if (kind !== undefined) return `${kind}(${str([...(value as unknown[])])})`;
  if (isTuple(value)) return `(${value.map(repr).join(', ')}${value.length === 1 ? ',' : ''})`;
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  if (value instanceof Namespace) return `<Namespace ${str(value.attributes)}>`;
  if (value instanceof LoopContext) return `<LoopContext ${value.index0 + 1}/${value.items.length}>`;
  if (isDict(value)) return `{${dictEntries(value).map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(', ')}}`;
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
    return entriesA.length === dictSize(b) && entriesA.every(([k, v]) => dictHas(b, k) && equals(v, dictGet(b, k)));
  }
  return a === b;
}

/** The numeric value of an int, float or bool (Python treats bool as int); else null. */
export function numericValue(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value instanceof PyFloat) return value.value;
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
