/**
 * Python's `json.dumps`, as transformers' chat-template `tojson` filter calls it
 * (`json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)`,
 * per transformers `chat_template_utils.py`), re-implemented from CPython's `json/encoder.py`
 * rules: default separators `', '` and `': '` (`','` between items once `indent` is set),
 * Python float repr, `NaN`/`Infinity`, str escapes, and TypeError for unserializable values.
 */
import { pythonError } from './chat-template-error';
import { asString, dictEntries, isDict, isUndefined, lazyKind, numberStr, typeName } from './python-values';

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

function compareCodePoints(a: string, b: string): number {
  const pa = Array.from(a);
  const pb = Array.from(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const diff = (pa[i].codePointAt(0) ?? 0) - (pb[i].codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return pa.length - pb.length;
}

function encodeNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return numberStr(value);
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
    const text = asString(item);
    if (text !== null) return encodeJsonString(text, ensureAscii);
    const lazy = lazyKind(item);
    if (lazy !== undefined) throw pythonError('TypeError', `Object of type ${lazy} is not JSON serializable`);
    if (Array.isArray(item)) {
      return encodeContainer(item, '[', ']', level, item.map((child) => (inner: number) => encode(child, inner)));
    }
    if (isDict(item)) {
      const entries = dictEntries(item);
      if (sortKeys) entries.sort(([a], [b]) => compareCodePoints(a, b));
      const parts = entries.map(
        ([key, child]) =>
          (inner: number) =>
            `${encodeJsonString(key, ensureAscii)}${keySeparator}${encode(child, inner)}`,
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
