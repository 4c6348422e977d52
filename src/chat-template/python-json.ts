/**
 * Python's `json` module for templates: `json.dumps`, as transformers' chat-template `tojson` filter calls it
 * (`json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)`,
 * per transformers `chat_template_utils.py`), re-implemented from CPython's `json/encoder.py`
 * rules: default separators `', '` and `': '` (`','` between items once `indent` is set),
 * Python float repr, `NaN`/`Infinity`, str escapes, and TypeError for unserializable values.
 */
import { pythonError } from './chat-template-error';
import {
  asString,
  Dict,
  dictEntries,
  floatRepr,
  isDict,
  isUndefined,
  lazyKind,
  numberStr,
  order,
  pyFloat,
  PyFloat,
  typeName,
} from './python-values';

/** The keyword arguments of `json.dumps` that the `tojson` filter exposes. */
export interface PythonJsonOptions {
  /** Escape every non-ASCII character as `\uXXXX` (surrogate pairs beyond the BMP). Default false. */
  ensureAscii?: boolean;
  /** Pretty-print: a number of spaces or an indent string; null for one line. Default null. */
  indent?: number | string | null;
  /** `[itemSeparator, keySeparator]`; default `[', ', ': ']`, or `[',', ': ']` with an indent. */
  separators?: readonly [string, string] | null;
  /** Sort dict keys (by code point, as Python sorts str). Default false. */
  sortKeys?: boolean;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function unicodeEscape(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`;
}

/** A JSON string literal as Python's encoder writes it. */
function encodeJsonString(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const unit = text.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (unit < 0x20 || (ensureAscii && unit > 0x7e)) out += unicodeEscape(unit);
    else out += ch;
  }
  return `${out}"`;
}

function encodeNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return numberStr(value);
}

/** A dict key as json.dumps writes it: str as is; int, float, bool and None converted; else TypeError. */
function keyText(key: unknown): string {
  const text = asString(key);
  if (text !== null) return text;
  if (key === null) return 'null';
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'number') return encodeNumber(key);
  if (key instanceof PyFloat) return floatRepr(key.value);
  throw pythonError('TypeError', `keys must be str, int, float, bool or None, not ${typeName(key)}`);
}

/**
 * `json.dumps(value, ...)` with Python's output byte for byte.
 * @throws ChatTemplateError (pythonType `TypeError`) for values JSON cannot hold (Undefined,
 *   functions, namespaces), (pythonType `ValueError`) for circular structures.
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? false;
  const indentOption = options.indent ?? null;
  const indent = typeof indentOption === 'number' ? ' '.repeat(Math.max(0, indentOption)) : indentOption;
  const [itemSeparator, keySeparator] = options.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);
  const sortKeys = options.sortKeys ?? false;
  const active = new Set<object>();

  const encode = (item: unknown, level: number): string => {
    if (item === null) return 'null';
    if (item === true) return 'true';
    if (item === false) return 'false';
    if (typeof item === 'number') return encodeNumber(item);
    if (item instanceof PyFloat) return floatRepr(item.value);
    const text = asString(item);
    if (text !== null) return encodeJsonString(text, ensureAscii);
    const lazy = lazyKind(item);
    if (lazy !== undefined) throw pythonError('TypeError', `Object of type ${lazy} is not JSON serializable`);
    if (Array.isArray(item)) {
      return encodeContainer(item, '[', ']', level, item.map((child) => (inner: number) => encode(child, inner)));
    }
    if (isDict(item)) {
      const entries = dictEntries(item);
      if (sortKeys) entries.sort(([a], [b]) => order('<', a, b));
      const parts = entries.map(
        ([key, child]) =>
          (inner: number) =>
            `${encodeJsonString(keyText(key), ensureAscii)}${keySeparator}${encode(child, inner)}`,
      );
      return encodeContainer(item, '{', '}', level, parts);
    }
    const name = isUndefined(item) ? 'Undefined' : typeName(item);
    throw pythonError('TypeError', `Object of type ${name} is not JSON serializable`);
  };

  const encodeContainer = (
    container: object,
    open: string,
    close: string,
    level: number,
    parts: ((inner: number) => string)[],
  ): string => {
    if (parts.length === 0) return open + close;
    if (active.has(container)) throw pythonError('ValueError', 'Circular reference detected');
    active.add(container);
    const rendered = parts.map((part) => part(level + 1));
    active.delete(container);
    if (indent === null) return open + rendered.join(itemSeparator) + close;
    const inner = `\n${indent.repeat(level + 1)}`;
    return `${open}${inner}${rendered.join(itemSeparator + inner)}\n${indent.repeat(level)}${close}`;
  };

  return encode(value, 0);
}

/** Python's `json.JSONDecodeError`: message `"<reason>: line L column C (char N)"`, as Python words it. */
export class PythonJsonDecodeError extends Error {
  override readonly name = 'PythonJsonDecodeError';
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const JSON_WHITESPACE = /[ \t\n\r]*/y;

/**
 * Python's `json.loads(text)`, giving the values Python templates see: objects become
 * {@link Dict}s (keys in the order written, even integer-like ones, which JS objects would move
 * first), numbers with a fraction or exponent are floats (`1.0` stays a float, see PyFloat), and
 * `NaN`, `Infinity`, `-Infinity` are accepted. `JSON.parse` keeps neither distinction.
 * @throws PythonJsonDecodeError with Python's message for invalid JSON.
 */
export function parsePythonJson(text: string): unknown {
  let at = 0;
  const fail = (reason: string, position = at): never => {
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - (before.lastIndexOf('\n') + 1) + 1;
    throw new PythonJsonDecodeError(`${reason}: line ${line} column ${column} (char ${position})`);
  };
  const skipWhitespace = (): void => {
    JSON_WHITESPACE.lastIndex = at;
    JSON_WHITESPACE.exec(text);
    at = JSON_WHITESPACE.lastIndex;
  };
  const parseString = (): string => {
    const start = at;
    at++;
    let out = '';
    for (;;) {
      if (at >= text.length) fail('Unterminated string starting at', start);
      const ch = text[at];
      if (ch === '"') {
        at++;
        return out;
      }
      if (ch === '\\') {
        const code = text[at + 1];
        if (code === 'u') {
          const hex = text.slice(at + 2, at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape', at + 1);
          out += String.fromCharCode(parseInt(hex, 16));
          at += 6;
        } else if (code !== undefined && code in JSON_ESCAPES) {
          out += JSON_ESCAPES[code];
          at += 2;
        } else {
          fail('Invalid \\escape', at);
        }
      } else if (ch < ' ') {
        fail('Invalid control character at', at);
      } else {
        out += ch;
        at++;
      }
    }
  };
  const parseValue = (): unknown => {
    const ch = text[at];
    if (ch === '"') return parseString();
    if (ch === '{') {
      at++;
      const pairs: [string, unknown][] = [];
      skipWhitespace();
      if (text[at] === '}') {
        at++;
        return Dict.of(pairs);
      }
      for (;;) {
        skipWhitespace();
        if (text[at] !== '"') fail('Expecting property name enclosed in double quotes');
        const key = parseString();
        skipWhitespace();
        if (text[at] !== ':') fail("Expecting ':' delimiter");
        at++;
        skipWhitespace();
        pairs.push([key, parseValue()]);
        skipWhitespace();
        if (text[at] === '}') {
          at++;
          return Dict.of(pairs);
        }
        if (text[at] !== ',') fail("Expecting ',' delimiter");
        at++;
      }
    }
    if (ch === '[') {
      at++;
      const items: unknown[] = [];
      skipWhitespace();
      if (text[at] === ']') {
        at++;
        return items;
      }
      for (;;) {
        skipWhitespace();
        items.push(parseValue());
        skipWhitespace();
        if (text[at] === ']') {
          at++;
          return items;
        }
        if (text[at] !== ',') fail("Expecting ',' delimiter");
        at++;
      }
    }
    for (const [word, value] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    JSON_NUMBER.lastIndex = at;
    const number = JSON_NUMBER.exec(text);
    if (number === null) return fail('Expecting value');
    at = JSON_NUMBER.lastIndex;
    const isFloatLiteral = number[1] !== undefined || number[2] !== undefined;
    return isFloatLiteral ? pyFloat(Number(number[0])) : Number(number[0]);
  };
  skipWhitespace();
  const value = parseValue();
  skipWhitespace();
  if (at < text.length) fail('Extra data');
  return value;
}
