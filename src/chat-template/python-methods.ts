/**
 * The Python methods templates call on values (`content.startswith('x')`, `tool.items()`,
 * `text.split('</think>')`, …), with CPython semantics. Mutating list/dict methods are not
 * provided: Jinja2's ImmutableSandboxedEnvironment (used by transformers) forbids them, which
 * {@link UNSAFE_METHODS} lets the attribute lookup report.
 */
import { pythonError } from './chat-template-error';
import { bindArguments, splitArguments } from './python-arguments';
import { formatValue } from './python-format';
import {
  asString,
  Dict,
  dictEntries,
  dictGet,
  dictSize,
  equals,
  isDict,
  isOneShot,
  lazy,
  numericValue,
  PyDict,
  PyFloat,
  repr,
  str,
  truthy,
  tuple,
  typeName,
} from './python-values';

type Method = (...args: unknown[]) => unknown;

/** Characters for which CPython's `str.isspace()` is true. */
const PY_WHITESPACE = new Set(
  Array.from('\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000').concat(
    Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  ),
);

function isPyWhitespace(ch: string): boolean {
  return PY_WHITESPACE.has(ch);
}

function stripSet(method: string, chars: unknown): (ch: string) => boolean {
  if (chars === null || chars === undefined) return isPyWhitespace;
  const text = requireStr(chars, () => `${method} arg must be None or str`);
  const set = new Set(Array.from(text));
  return (ch) => set.has(ch);
}

/** The str `value`, else a TypeError with CPython's `message(type name)`. */
function requireStr(value: unknown, message: (type: string) => string): string {
  const text = asString(value);
  if (text === null) throw pythonError('TypeError', message(typeName(value)));
  return text;
}

const mustBeStr = (type: string): string => `must be str, not ${type}`;

/** A UTF-16 offset of `text` as Python's code-point index. */
function codePointIndex(text: string, offset: number): number {
  return offset < 0 ? offset : Array.from(text.slice(0, offset)).length;
}

/** Python `str.strip/lstrip/rstrip(chars=None)`. */
export function pyStrip(text: string, chars: unknown, left: boolean, right: boolean): string {
  const strips = stripSet(left && right ? 'strip' : left ? 'lstrip' : 'rstrip', chars);
  const points = Array.from(text);
  let start = 0;
  let end = points.length;
  if (left) while (start < end && strips(points[start])) start++;
  if (right) while (end > start && strips(points[end - 1])) end--;
  return points.slice(start, end).join('');
}

/** Python `str.split(sep=None, maxsplit=-1)`. */
function pySplit(text: string, sep: unknown, maxsplit: number): string[] {
  if (sep === null || sep === undefined) {
    const parts: string[] = [];
    const points = Array.from(text);
    let i = 0;
    while (i < points.length) {
      while (i < points.length && isPyWhitespace(points[i])) i++;
      if (i >= points.length) break;
      if (maxsplit >= 0 && parts.length === maxsplit) {
        parts.push(pyStrip(points.slice(i).join(''), null, false, true));
        break;
      }
      let j = i;
      while (j < points.length && !isPyWhitespace(points[j])) j++;
      parts.push(points.slice(i, j).join(''));
      i = j;
    }
    return parts;
  }
  const separator = requireStr(sep, (type) => `must be str or None, not ${type}`);
  if (separator === '') throw pythonError('ValueError', 'empty separator');
  const parts = text.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

function pyRsplit(text: string, sep: unknown, maxsplit: number): string[] {
  if (maxsplit < 0) return pySplit(text, sep, -1);
  if (sep === null || sep === undefined) {
    const reversed = pySplit(Array.from(text).reverse().join(''), null, maxsplit);
    return reversed.map((part) => Array.from(part).reverse().join('')).reverse();
  }
  const separator = requireStr(sep, (type) => `must be str or None, not ${type}`);
  if (separator === '') throw pythonError('ValueError', 'empty separator');
  const parts = text.split(separator);
  if (parts.length <= maxsplit + 1) return parts;
  const head = parts.slice(0, parts.length - maxsplit).join(separator);
  return [head, ...parts.slice(parts.length - maxsplit)];
}

function affixes(method: string, value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => requireAffix(method, v));
  return [requireAffix(method, value)];
}

function requireAffix(method: string, value: unknown): string {
  const text = asString(value);
  if (text === null) {
    throw pythonError('TypeError', `${method} first arg must be str or a tuple of str, not ${typeName(value)}`);
  }
  return text;
}

function isCased(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** Characters whose Unicode title case differs from their upper case (digraphs, ligatures, ß). */
const TITLE_CASE: Record<string, string> = {
  ß: 'Ss',
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
  ﬀ: 'Ff',
  ﬁ: 'Fi',
  ﬂ: 'Fl',
  ﬃ: 'Ffi',
  ﬄ: 'Ffl',
  ﬅ: 'St',
  ﬆ: 'St',
  և: 'Եւ',
};

function titleCaseChar(ch: string): string {
  return TITLE_CASE[ch] ?? ch.toUpperCase();
}

/** Python `str.capitalize()`: first character title-cased, the rest lower-cased. */
function pyCapitalize(text: string): string {
  const points = Array.from(text);
  if (points.length === 0) return '';
  return titleCaseChar(points[0]) + points.slice(1).join('').toLowerCase();
}

/** Python `str.title()`: title case after an uncased character, lower case after a cased one. */
function pyTitle(text: string): string {
  let out = '';
  let previousCased = false;
  for (const ch of text) {
    out += previousCased ? ch.toLowerCase() : titleCaseChar(ch);
    previousCased = isCased(ch);
  }
  return out;
}

/** Python `str.isdigit()` characters beyond `\p{Nd}`: superscript, subscript and circled digits (Numeric_Type=Digit). */
const EXTRA_DIGITS = /[\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792]/u;

function isPyDigit(ch: string): boolean {
  return /\p{Nd}/u.test(ch) || EXTRA_DIGITS.test(ch);
}

/** Python `str.splitlines(keepends)`. */
export function pySplitlines(text: string, keepends: boolean): string[] {
  const boundary = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  const lines: string[] = [];
  let start = 0;
  for (let m = boundary.exec(text); m !== null; m = boundary.exec(text)) {
    lines.push(text.slice(start, keepends ? m.index + m[0].length : m.index));
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function fillChar(fill: unknown): string {
  const text = asString(fill);
  if (text === null || Array.from(text).length !== 1) {
    throw pythonError('TypeError', `The fill character must be exactly one character long`);
  }
  return text;
}

/** Python `str.center/ljust/rjust(width, fillchar=' ')`. */
export function pyJustify(text: string, width: number, fill: string, align: 'center' | 'left' | 'right'): string {
  const margin = width - Array.from(text).length;
  if (margin <= 0) return text;
  if (align === 'left') return text + fill.repeat(margin);
  if (align === 'right') return fill.repeat(margin) + text;
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return fill.repeat(left) + text + fill.repeat(margin - left);
}

/** Python `str.replace(old, new, count=-1)`. */
export function pyReplace(text: string, old: string, replacement: string, count: number): string {
  if (count < 0) {
    if (old === '') return replacement + Array.from(text).join(replacement) + replacement;
    return text.split(old).join(replacement);
  }
  let out = '';
  let rest = text;
  for (let n = 0; n < count; n++) {
    const at = rest.indexOf(old);
    if (at < 0) break;
    out += rest.slice(0, at) + replacement;
    rest = rest.slice(at + old.length);
    if (old === '') {
      const [first = '', ...others] = Array.from(rest);
      out += first;
      rest = others.join('');
    }
  }
  return out + rest;
}

/** Python `str.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{x.attr}`-free fields, `!r`/`!s`, specs. */
function pyFormat(template: string, args: unknown[]): string {
  const { positional, keywords } = splitArguments(args);
  let automatic = 0;
  return template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (whole, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const key = field ?? '';
    let value: unknown;
    if (key === '') value = positional[automatic++];
    else if (/^\d+$/.test(key)) value = positional[Number(key)];
    else value = keywords[key];
    if (value === undefined) {
      throw pythonError(/^\d*$/.test(key) ? 'IndexError' : 'KeyError', /^\d*$/.test(key) ? 'Replacement index out of range for positional args tuple' : repr(key));
    }
    const converted = conversion === 'r' || conversion === 'a' ? repr(value) : conversion === 's' ? str(value) : value;
    return formatValue(converted, spec ?? '');
  });
}

function bind(name: string, args: unknown[], params: string[], defaults: Record<string, unknown> = {}): Record<string, unknown> {
  return bindArguments(name, args, params, defaults).values;
}

/** Python's str methods, as `(self, ...args)` functions. */
const STR_METHODS: Record<string, (text: string, ...args: unknown[]) => unknown> = {
  startswith: (text, ...args) => {
    const { prefix } = bind('startswith', args, ['prefix']);
    return affixes('startswith', prefix).some((p) => text.startsWith(p));
  },
  endswith: (text, ...args) => {
    const { suffix } = bind('endswith', args, ['suffix']);
    return affixes('endswith', suffix).some((s) => text.endsWith(s));
  },
  split: (text, ...args) => {
    const { sep, maxsplit } = bind('split', args, ['sep', 'maxsplit'], { sep: null, maxsplit: -1 });
    return pySplit(text, sep, Number(maxsplit));
  },
  rsplit: (text, ...args) => {
    const { sep, maxsplit } = bind('rsplit', args, ['sep', 'maxsplit'], { sep: null, maxsplit: -1 });
    return pyRsplit(text, sep, Number(maxsplit));
  },
  splitlines: (text, ...args) => {
    const { keepends } = bind('splitlines', args, ['keepends'], { keepends: false });
    return pySplitlines(text, truthy(keepends));
  },
  format: (text, ...args) => pyFormat(text, args),
  strip: (text, chars = null) => pyStrip(text, chars, true, true),
  lstrip: (text, chars = null) => pyStrip(text, chars, true, false),
  rstrip: (text, chars = null) => pyStrip(text, chars, false, true),
  lower: (text) => text.toLowerCase(),
  upper: (text) => text.toUpperCase(),
  casefold: (text) => text.toLowerCase(),
  capitalize: (text) => pyCapitalize(text),
  title: (text) => pyTitle(text),
  swapcase: (text) => Array.from(text, (ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join(''),
  replace: (text, ...args) => {
    const { old, new: replacement, count } = bind('replace', args, ['old', 'new', 'count'], { count: -1 });
    return pyReplace(
      text,
      requireStr(old, (type) => `replace() argument 1 must be str, not ${type}`),
      requireStr(replacement, (type) => `replace() argument 2 must be str, not ${type}`),
      Number(count),
    );
  },
  find: (text, sub) => codePointIndex(text, text.indexOf(requireStr(sub, mustBeStr))),
  rfind: (text, sub) => codePointIndex(text, text.lastIndexOf(requireStr(sub, mustBeStr))),
  index: (text, sub) => {
    const at = text.indexOf(requireStr(sub, mustBeStr));
    if (at < 0) throw pythonError('ValueError', 'substring not found');
    return codePointIndex(text, at);
  },
  count: (text, sub) => {
    const needle = requireStr(sub, mustBeStr);
    return needle === '' ? Array.from(text).length + 1 : text.split(needle).length - 1;
  },
  join: (text, iterable) => {
    if (!Array.isArray(iterable)) throw pythonError('TypeError', 'can only join an iterable');
    return iterable
      .map((item, i) => {
        const part = asString(item);
        if (part === null) {
          throw pythonError('TypeError', `sequence item ${i}: expected str instance, ${typeName(item)} found`);
        }
        return part;
      })
      .join(text);
  },
  removeprefix: (text, prefix) => {
    const p = requireStr(prefix, (type) => `removeprefix() argument must be str, not ${type}`);
    return text.startsWith(p) ? text.slice(p.length) : text;
  },
  removesuffix: (text, suffix) => {
    const s = requireStr(suffix, (type) => `removesuffix() argument must be str, not ${type}`);
    return s !== '' && text.endsWith(s) ? text.slice(0, -s.length) : text;
  },
  partition: (text, sep) => {
    const s = requireStr(sep, mustBeStr);
    const at = text.indexOf(s);
    return tuple(at < 0 ? [text, '', ''] : [text.slice(0, at), s, text.slice(at + s.length)]);
  },
  rpartition: (text, sep) => {
    const s = requireStr(sep, mustBeStr);
    const at = text.lastIndexOf(s);
    return tuple(at < 0 ? ['', '', text] : [text.slice(0, at), s, text.slice(at + s.length)]);
  },
  isdigit: (text) => text.length > 0 && Array.from(text).every(isPyDigit),
  isnumeric: (text) => text.length > 0 && /^\p{N}+$/u.test(text),
  isalpha: (text) => text.length > 0 && /^\p{L}+$/u.test(text),
  isalnum: (text) => text.length > 0 && /^[\p{L}\p{N}]+$/u.test(text),
  isspace: (text) => text.length > 0 && Array.from(text).every(isPyWhitespace),
  islower: (text) => Array.from(text).some(isCased) && text === text.toLowerCase(),
  isupper: (text) => Array.from(text).some(isCased) && text === text.toUpperCase(),
  center: (text, width, fill = ' ') => pyJustify(text, Number(numericValue(width)), fillChar(fill), 'center'),
  ljust: (text, width, fill = ' ') => pyJustify(text, Number(numericValue(width)), fillChar(fill), 'left'),
  rjust: (text, width, fill = ' ') => pyJustify(text, Number(numericValue(width)), fillChar(fill), 'right'),
  zfill: (text, width) => {
    const w = Number(width);
    const sign = text.startsWith('-') || text.startsWith('+') ? text[0] : '';
    return sign + text.slice(sign.length).padStart(w - sign.length, '0');
  },
};

/** Python's non-mutating dict methods, as `(self, ...args)` functions. */
const DICT_METHODS: Record<string, (dict: PyDict, ...args: unknown[]) => unknown> = {
  items: (dict) => lazy(dictEntries(dict).map(([k, v]) => tuple([k, v])), 'dict_items'),
  keys: (dict) => lazy(dictEntries(dict).map(([k]) => k), 'dict_keys'),
  values: (dict) => lazy(dictEntries(dict).map(([, v]) => v), 'dict_values'),
  get: (dict, key, fallback = null) => dictGet(dict, key) ?? fallback,
  copy: (dict) => Dict.of(dictEntries(dict)),
};

/** Python's non-mutating list methods, as `(self, ...args)` functions. */
const LIST_METHODS: Record<string, (list: unknown[], ...args: unknown[]) => unknown> = {
  index: (list, item) => {
    const at = list.findIndex((candidate) => equals(candidate, item));
    if (at < 0) throw pythonError('ValueError', `${repr(item)} is not in list`);
    return at;
  },
  count: (list, item) => list.filter((candidate) => equals(candidate, item)).length,
  copy: (list) => [...list],
};

/** Methods Jinja2's immutable sandbox refuses on lists and dicts (they would mutate). */
export const UNSAFE_METHODS: Record<string, ReadonlySet<string>> = {
  list: new Set(['append', 'clear', 'extend', 'insert', 'pop', 'remove', 'reverse', 'sort']),
  dict: new Set(['clear', 'pop', 'popitem', 'setdefault', 'update']),
};

function bound<T>(table: Record<string, (self: T, ...args: unknown[]) => unknown>, self: T, name: string): Method | undefined {
  if (!Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const method = table[name];
  return (...args) => method(self, ...args);
}

/** The bound Python method `value.name`, or undefined when Python's type has none by that name. */
export function findMethod(value: unknown, name: string): Method | undefined {
  const text = asString(value);
  if (text !== null) return bound(STR_METHODS, text, name);
  if (Array.isArray(value)) return bound(LIST_METHODS, value, name);
  if (isDict(value)) return bound(DICT_METHODS, value, name);
  return undefined;
}

/** Python `len(value)`. */
export function pyLen(value: unknown): number {
  const text = asString(value);
  if (text !== null) return Array.from(text).length;
  if (Array.isArray(value) && !isOneShot(value)) return value.length;
  if (isDict(value)) return dictSize(value);
  throw pythonError('TypeError', `object of type '${typeName(value)}' has no len()`);
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE_PREFIXES: Record<string, number> = { '0b': 2, '0o': 8, '0x': 16 };

/** Python `int(text, base)` for a str: sign, optional base prefix, digits with single `_`s; null when Python raises. */
function parseIntText(text: string, base: number): number | null {
  const match = /^\s*([-+]?)(0[bBoOxX])?((?:_?[0-9a-zA-Z])+)\s*$/.exec(text);
  if (match === null) return null;
  const [, sign, prefix, body] = match;
  let radix = base;
  if (prefix !== undefined) {
    const prefixBase = BASE_PREFIXES[prefix.toLowerCase()];
    if (base !== 0 && base !== prefixBase) return null;
    radix = prefixBase;
  } else if (base === 0) {
    if (/^0+[1-9]/.test(body)) return null;
    radix = 10;
  } else if (body.startsWith('_')) {
    return null;
  }
  let total = 0;
  for (const ch of body.replace(/_/g, '').toLowerCase()) {
    const digit = DIGITS.indexOf(ch);
    if (digit < 0 || digit >= radix) return null;
    total = total * radix + digit;
  }
  return sign === '-' ? -total : total;
}

/** Python `int(value)` for ints, floats and bools, or `int(text, base)` for strings; null when Python raises. */
export function pyInt(value: unknown, base = 10): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || value instanceof PyFloat) {
    const number = numericValue(value) as number;
    return Number.isFinite(number) ? Math.trunc(number) : null;
  }
  const text = asString(value);
  return text === null ? null : parseIntText(text, base);
}

