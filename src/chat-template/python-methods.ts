/**
 * The Python methods templates call on values (`content.startswith('x')`, `tool.items()`,
 * `text.split('</think>')`, …), with CPython semantics. Mutating list/dict methods are not
 * provided: Jinja2's ImmutableSandboxedEnvironment (used by transformers) forbids them, which
 * {@link UNSAFE_METHODS} lets the attribute lookup report.
 */
import { pythonError } from './chat-template-error';
import { bindArguments, splitArguments } from './python-arguments';
import { formatValue } from './python-format';
import { asString, dictEntries, dictHas, equals, isOneShot, lazy, PyDict, repr, str, truthy, tuple, typeName } from './python-values';

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

function stripSet(chars: unknown): (ch: string) => boolean {
  if (chars === null || chars === undefined) return isPyWhitespace;
  const text = requireStr('strip', chars);
  const set = new Set(Array.from(text));
  return (ch) => set.has(ch);
}

function requireStr(method: string, value: unknown): string {
  const text = asString(value);
  if (text === null) {
    throw pythonError('TypeError', `${method} arg must be None or str`);
  }
  return text;
}

/** Python `str.strip/lstrip/rstrip(chars=None)`. */
export function pyStrip(text: string, chars: unknown, left: boolean, right: boolean): string {
  const strips = stripSet(chars);
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
  const separator = requireStr('split', sep);
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
  const separator = requireStr('rsplit', sep);
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

function pyCapitalize(text: string): string {
  const points = Array.from(text);
  if (points.length === 0) return '';
  return points[0].toUpperCase() + points.slice(1).join('').toLowerCase();
}

function pyTitle(text: string): string {
  let out = '';
  let previousCased = false;
  for (const ch of text) {
    out += previousCased ? ch.toLowerCase() : ch.toUpperCase();
    previousCased = isCased(ch);
  }
  return out;
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

function strMethods(text: string): Record<string, Method> {
  const bind = (name: string, args: unknown[], params: string[], defaults: Record<string, unknown> = {}) =>
    bindArguments(name, args, params, defaults).values;
  return {
    startswith: (...args) => {
      const { prefix } = bind('startswith', args, ['prefix']);
      return affixes('startswith', prefix).some((p) => text.startsWith(p));
    },
    endswith: (...args) => {
      const { suffix } = bind('endswith', args, ['suffix']);
      return affixes('endswith', suffix).some((s) => text.endsWith(s));
    },
    split: (...args) => {
      const { sep, maxsplit } = bind('split', args, ['sep', 'maxsplit'], { sep: null, maxsplit: -1 });
      return pySplit(text, sep, Number(maxsplit));
    },
    rsplit: (...args) => {
      const { sep, maxsplit } = bind('rsplit', args, ['sep', 'maxsplit'], { sep: null, maxsplit: -1 });
      return pyRsplit(text, sep, Number(maxsplit));
    },
    splitlines: (...args) => {
      const { keepends } = bind('splitlines', args, ['keepends'], { keepends: false });
      return pySplitlines(text, truthy(keepends));
    },
    format: (...args) => pyFormat(text, args),
    strip: (chars = null) => pyStrip(text, chars, true, true),
    lstrip: (chars = null) => pyStrip(text, chars, true, false),
    rstrip: (chars = null) => pyStrip(text, chars, false, true),
    lower: () => text.toLowerCase(),
    upper: () => text.toUpperCase(),
    casefold: () => text.toLowerCase(),
    capitalize: () => pyCapitalize(text),
    title: () => pyTitle(text),
    swapcase: () => Array.from(text, (ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join(''),
    replace: (...args) => {
      const { old, new: replacement, count } = bind('replace', args, ['old', 'new', 'count'], { count: -1 });
      return pyReplace(text, requireStr('replace', old), requireStr('replace', replacement), Number(count));
    },
    find: (sub) => text.indexOf(requireStr('find', sub)),
    rfind: (sub) => text.lastIndexOf(requireStr('rfind', sub)),
    index: (sub) => {
      const at = text.indexOf(requireStr('index', sub));
      if (at < 0) throw pythonError('ValueError', 'substring not found');
      return at;
    },
    count: (sub) => {
      const needle = requireStr('count', sub);
      return needle === '' ? Array.from(text).length + 1 : text.split(needle).length - 1;
    },
    join: (iterable) => {
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
    removeprefix: (prefix) => {
      const p = requireStr('removeprefix', prefix);
      return text.startsWith(p) ? text.slice(p.length) : text;
    },
    removesuffix: (suffix) => {
      const s = requireStr('removesuffix', suffix);
      return s !== '' && text.endsWith(s) ? text.slice(0, -s.length) : text;
    },
    partition: (sep) => {
      const s = requireStr('partition', sep);
      const at = text.indexOf(s);
      return tuple(at < 0 ? [text, '', ''] : [text.slice(0, at), s, text.slice(at + s.length)]);
    },
    rpartition: (sep) => {
      const s = requireStr('rpartition', sep);
      const at = text.lastIndexOf(s);
      return tuple(at < 0 ? ['', '', text] : [text.slice(0, at), s, text.slice(at + s.length)]);
    },
    isdigit: () => text.length > 0 && /^\p{Nd}+$/u.test(text),
    isnumeric: () => text.length > 0 && /^\p{N}+$/u.test(text),
    isalpha: () => text.length > 0 && /^\p{L}+$/u.test(text),
    isalnum: () => text.length > 0 && /^[\p{L}\p{N}]+$/u.test(text),
    isspace: () => text.length > 0 && Array.from(text).every(isPyWhitespace),
    islower: () => Array.from(text).some(isCased) && text === text.toLowerCase(),
    isupper: () => Array.from(text).some(isCased) && text === text.toUpperCase(),
    zfill: (width) => {
      const w = Number(width);
      const sign = text.startsWith('-') || text.startsWith('+') ? text[0] : '';
      return sign + text.slice(sign.length).padStart(w - sign.length, '0');
    },
  };
}

function dictMethods(dict: PyDict): Record<string, Method> {
  return {
    items: () => lazy(dictEntries(dict).map(([k, v]) => tuple([k, v])), 'dict_items'),
    keys: () => lazy(dictEntries(dict).map(([k]) => k), 'dict_keys'),
    values: () => lazy(dictEntries(dict).map(([, v]) => v), 'dict_values'),
    get: (key, fallback = null) => {
      const name = asString(key);
      return name !== null && dictHas(dict, name) ? dict[name] : fallback;
    },
    copy: () => Object.fromEntries(dictEntries(dict)),
  };
}

function listMethods(list: unknown[]): Record<string, Method> {
  return {
    index: (item) => {
      const at = list.findIndex((candidate) => equals(candidate, item));
      if (at < 0) throw pythonError('ValueError', `${repr(item)} is not in list`);
      return at;
    },
    count: (item) => list.filter((candidate) => equals(candidate, item)).length,
    copy: () => [...list],
  };
}

/** Methods Jinja2's immutable sandbox refuses on lists and dicts (they would mutate). */
export const UNSAFE_METHODS: Record<string, ReadonlySet<string>> = {
  list: new Set(['append', 'clear', 'extend', 'insert', 'pop', 'remove', 'reverse', 'sort']),
  dict: new Set(['clear', 'pop', 'popitem', 'setdefault', 'update']),
};

/** The bound Python method `value.name`, or undefined when Python's type has none by that name. */
export function findMethod(value: unknown, name: string): Method | undefined {
  const text = asString(value);
  let methods: Record<string, Method> | undefined;
  if (text !== null) methods = strMethods(text);
  else if (Array.isArray(value)) methods = listMethods(value);
  else if (typeof value === 'object' && value !== null && typeName(value) === 'dict') methods = dictMethods(value as PyDict);
  if (methods === undefined || !Object.prototype.hasOwnProperty.call(methods, name)) return undefined;
  return methods[name];
}

/** Python `len(value)`. */
export function pyLen(value: unknown): number {
  const text = asString(value);
  if (text !== null) return Array.from(text).length;
  if (Array.isArray(value) && !isOneShot(value)) return value.length;
  if (typeName(value) === 'dict') return dictEntries(value as PyDict).length;
  throw pythonError('TypeError', `object of type '${typeName(value)}' has no len()`);
}

/** Python `int(value)` for ints, floats, bools and numeric strings. */
export function pyInt(value: unknown): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  const text = asString(value);
  if (text !== null && /^\s*[-+]?\d+(_\d+)*\s*$/.test(text)) return Number(text.replace(/_/g, ''));
  return null;
}

