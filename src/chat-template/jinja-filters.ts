/**
 * Jinja2 built-in filters re-implemented with Jinja2 3.1 semantics (`jinja2/filters.py`) over
 * Python-valued data, plus transformers' `tojson` override (`json.dumps` with
 * `ensure_ascii=False`, per transformers `chat_template_utils.py`). Filters receive Nunjucks'
 * trailing keyword-argument bag, bound here with Python signatures.
 */
import { pythonError } from './chat-template-error';
import { bindArguments, splitArguments } from './python-arguments';
import { pythonJsonDumps } from './python-json';
import { percentFormat } from './python-format';
import { findMethod, pyInt, pyJustify, pyLen, pyReplace, pySplitlines, pyStrip } from './python-methods';
import { pythonRuntime } from './python-runtime';
import {
  asString,
  Dict,
  dictEntries,
  equals,
  escapeHtml,
  failUndefined,
  hashKey,
  isDict,
  isUndefined,
  isFloat,
  isTuple,
  lazy,
  lazyKind,
  Markup,
  missingMemberHint,
  Namespace,
  namedTuple,
  numericValue,
  order,
  pyFloat,
  repr,
  str,
  truthy,
  tuple,
  tupleField,
  typeName,
  Undefined,
} from './python-values';
import { JINJA_TESTS } from './jinja-tests';

export type JinjaFilter = (value: unknown, ...args: unknown[]) => unknown;

function listOf(value: unknown): unknown[] {
  return pythonRuntime.iterate(value);
}

function optionalNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : (numericValue(value) ?? null);
}

/** Jinja2's `_prepare_attribute_parts`: a dotted path (`"function.name"`, `"0"`) as item keys. */
function attributeParts(attribute: unknown): unknown[] {
  if (attribute === null || attribute === undefined) return [];
  const path = asString(attribute);
  return path === null ? [attribute] : path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Jinja2's `make_attrgetter`: item lookups along the path; an Undefined step becomes `fallback`
 * when one is given (not None).
 */
function attributeGetter(attribute: unknown, fallback: unknown = null): (item: unknown) => unknown {
  const parts = attributeParts(attribute);
  return (item) =>
    parts.reduce<unknown>((value, part) => {
      const next = pythonRuntime.getitem(value, part);
      return fallback !== null && isUndefined(next) ? fallback : next;
    }, item);
}

/** Jinja2's `ignore_case`: str lower-cased, anything else as is. */
function ignoreCase(value: unknown): unknown {
  const text = asString(value);
  return text === null ? value : text.toLowerCase();
}

function testFunction(args: unknown[]): (item: unknown) => boolean {
  if (args.length === 0) return truthy;
  const [name, ...testArgs] = args;
  const testName = asString(name);
  const test = testName === null ? undefined : JINJA_TESTS[testName];
  if (test === undefined) throw pythonError('TemplateRuntimeError', `No test named ${repr(name)}.`);
  return (item) => test(item, ...testArgs);
}

/** Jinja2's `select`/`reject`/`selectattr`/`rejectattr`: a generator, empty for a falsy input. */
function selectOrReject(keep: boolean, byAttribute: boolean): JinjaFilter {
  return (value, ...args) => {
    const { positional } = splitArguments(args);
    const getter = byAttribute ? attributeGetter(positional[0]) : (item: unknown) => item;
    const test = testFunction(byAttribute ? positional.slice(1) : positional);
    const items = truthy(value) ? listOf(value).filter((item) => test(getter(item)) === keep) : [];
    return lazy(items, 'generator');
  };
}

function tojson(value: unknown, ...args: unknown[]): string {
  const { values } = bindArguments('tojson', args, ['ensure_ascii', 'indent', 'separators', 'sort_keys'], {
    ensure_ascii: false,
    indent: null,
    separators: null,
    sort_keys: false,
  });
  const indent = values.indent;
  const separators = values.separators;
  return pythonJsonDumps(value, {
    ensureAscii: truthy(values.ensure_ascii),
    indent: typeof indent === 'number' ? indent : asString(indent),
    separators: Array.isArray(separators) ? [str(separators[0]), str(separators[1])] : null,
    sortKeys: truthy(values.sort_keys),
  });
}

function items(value: unknown): unknown[] {
  if (isUndefined(value)) return lazy([], 'generator');
  if (!isDict(value)) throw pythonError('TypeError', 'Can only get item pairs from a mapping.');
  return lazy(
    dictEntries(value).map(([k, v]) => tuple([k, v])),
    'generator',
  );
}

function first(value: unknown): unknown {
  const list = listOf(value);
  return list.length > 0 ? list[0] : new Undefined('No first item, sequence was empty.');
}

/** Whether Python's `reversed()` accepts `value` (str, list, tuple, dict and dict views; Undefined too). */
function isReversible(value: unknown): boolean {
  if (isUndefined(value) || asString(value) !== null || isDict(value)) return true;
  const kind = lazyKind(value);
  return Array.isArray(value) && (kind === undefined || kind.startsWith('dict_'));
}

/** Jinja2's `last`: `next(iter(reversed(seq)))`. */
function last(value: unknown): unknown {
  if (!isReversible(value)) throw pythonError('TypeError', `'${typeName(value)}' object is not reversible`);
  const list = listOf(value);
  return list.length > 0 ? list[list.length - 1] : new Undefined('No last item, sequence was empty.');
}

function defaultFilter(value: unknown, ...args: unknown[]): unknown {
  const { values } = bindArguments('default', args, ['default_value', 'boolean'], { default_value: '', boolean: false });
  if (isUndefined(value) || (truthy(values.boolean) && !truthy(value))) return values.default_value;
  return value;
}

function join(value: unknown, ...args: unknown[]): string {
  const { values } = bindArguments('join', args, ['d', 'attribute'], { d: '', attribute: null });
  let list = listOf(value);
  if (values.attribute !== null) list = list.map(attributeGetter(values.attribute));
  return list.map(str).join(str(values.d));
}

/** Jinja2's `map(filter, *args)` / `map(attribute=…, default=…)`: a generator. */
function map(value: unknown, ...args: unknown[]): unknown[] {
  const { positional, keywords } = splitArguments(args);
  const list = truthy(value) ? listOf(value) : [];
  if (positional.length === 0 && 'attribute' in keywords) {
    const getter = attributeGetter(keywords.attribute);
    return lazy(
      list.map((item) => {
        const result = getter(item);
        return isUndefined(result) && 'default' in keywords ? keywords.default : result;
      }),
      'generator',
    );
  }
  const [name, ...filterArgs] = positional;
  const filterName = asString(name);
  const filter = filterName === null ? undefined : JINJA_FILTERS[filterName];
  if (filter === undefined) throw pythonError('TemplateRuntimeError', `No filter named ${repr(name)}.`);
  return lazy(
    list.map((item) => filter(item, ...filterArgs)),
    'generator',
  );
}

/** Jinja2's `indent(width=4, first=False, blank=False)`. */
function indent(value: unknown, ...args: unknown[]): string {
  const { values } = bindArguments('indent', args, ['width', 'first', 'blank'], { width: 4, first: false, blank: false });
  const prefix = asString(values.width) ?? ' '.repeat(Number(values.width));
  const source = asString(value);
  if (source === null) {
    // Jinja2 appends "\n" to the value itself before splitting it into lines.
    if (isUndefined(value)) failUndefined(value);
    if (Array.isArray(value) && lazyKind(value) === undefined && !isTuple(value)) {
      throw pythonError('AttributeError', "'list' object has no attribute 'splitlines'");
    }
    if (isTuple(value)) throw pythonError('TypeError', 'can only concatenate tuple (not "str") to tuple');
    throw pythonError('TypeError', `unsupported operand type(s) for +=: '${typeName(value)}' and 'str'`);
  }
  const lines = pySplitlines(`${source}\n`, false);
  let text: string;
  if (truthy(values.blank)) {
    text = lines.join(`\n${prefix}`);
  } else {
    const [head = '', ...rest] = lines;
    text = head + (rest.length > 0 ? `\n${rest.map((line) => (line ? prefix + line : line)).join('\n')}` : '');
  }
  return truthy(values.first) ? prefix + text : text;
}

/** Sort key of Jinja2's `unique`/`min`/`max`: the (optionally attribute) value, lower-cased str unless case_sensitive. */
function keyFunction(attribute: unknown, caseSensitive: unknown): (item: unknown) => unknown {
  const getter = attribute === null ? (item: unknown) => item : attributeGetter(attribute);
  return (item) => {
    const key = getter(item);
    const text = asString(key);
    return text !== null && !truthy(caseSensitive) ? text.toLowerCase() : key;
  };
}

function unique(value: unknown, ...args: unknown[]): unknown[] {
  const { values } = bindArguments('unique', args, ['case_sensitive', 'attribute'], { case_sensitive: false, attribute: null });
  const key = keyFunction(values.attribute, values.case_sensitive);
  const seen = new Set<string>();
  const kept = listOf(value).filter((item) => {
    const k = key(item);
    const hash = hashKey(k);
    if (hash === null) throw pythonError('TypeError', `unhashable type: '${typeName(k)}'`);
    if (seen.has(hash)) return false;
    seen.add(hash);
    return true;
  });
  return lazy(kept, 'generator');
}

function extreme(name: 'min' | 'max'): JinjaFilter {
  return (value, ...args) => {
    const { values } = bindArguments(name, args, ['case_sensitive', 'attribute'], { case_sensitive: false, attribute: null });
    const key = keyFunction(values.attribute, values.case_sensitive);
    const list = listOf(value);
    if (list.length === 0) return new Undefined(`No aggregated item, sequence was empty.`);
    return list.reduce((best, item) => {
      const cmp = order(name === 'min' ? '<' : '>', key(item), key(best));
      return (name === 'min' ? cmp < 0 : cmp > 0) ? item : best;
    });
  };
}

function titleCase(text: string): string {
  return text
    .split(/([-\s({[<]+)/u)
    .filter((part) => part !== '')
    .map((part) => {
      const [head = '', ...tail] = Array.from(part);
      return head.toUpperCase() + tail.join('').toLowerCase();
    })
    .join('');
}

const FLOAT_TEXT = /^\s*[-+]?(?:\d(?:_?\d)*\.(?:\d(?:_?\d)*)?|\.\d(?:_?\d)*|\d(?:_?\d)*)(?:[eE][-+]?\d(?:_?\d)*)?\s*$/;
const FLOAT_WORD = /^\s*([-+]?)(inf|infinity|nan)\s*$/i;

/** Python `float(text)`; null when Python would raise. */
function parseFloatText(text: string): number | null {
  if (FLOAT_TEXT.test(text)) return Number(text.replace(/_/g, ''));
  const word = FLOAT_WORD.exec(text);
  if (word === null) return null;
  if (word[2].toLowerCase() === 'nan') return NaN;
  return word[1] === '-' ? -Infinity : Infinity;
}

/** Python `float(value)` for numbers, bools and numeric strings; null when Python would raise. */
function pyFloatValue(value: unknown): number | null {
  const text = asString(value);
  return text === null ? numericValue(value) : parseFloatText(text);
}

/** Jinja2's `int(default=0, base=10)`: `int(value[, base])`, else `int(float(value))`, else the default. */
function toInt(value: unknown, ...args: unknown[]): unknown {
  const { values } = bindArguments('int', args, ['default', 'base'], { default: 0, base: 10 });
  if (isUndefined(value)) failUndefined(value);
  const parsed = pyInt(value, numericValue(values.base) ?? 10) ?? pyFloatValue(value);
  if (parsed === null) return values.default;
  if (!Number.isFinite(parsed)) {
    throw pythonError(Number.isNaN(parsed) ? 'ValueError' : 'OverflowError', `cannot convert float ${Number.isNaN(parsed) ? 'NaN' : 'infinity'} to integer`);
  }
  return Math.trunc(parsed);
}

/** Jinja2's `float(default=0.0)`. */
function toFloat(value: unknown, ...args: unknown[]): unknown {
  const { values } = bindArguments('float', args, ['default'], { default: pyFloat(0) });
  if (isUndefined(value)) failUndefined(value);
  const parsed = pyFloatValue(value);
  return parsed === null ? values.default : pyFloat(parsed);
}

/** Jinja2's `dictsort(case_sensitive=False, by='key', reverse=False)`: a sorted list of (key, value) tuples. */
function dictsort(value: unknown, ...args: unknown[]): unknown[] {
  const { values } = bindArguments('dictsort', args, ['case_sensitive', 'by', 'reverse'], {
    case_sensitive: false,
    by: 'key',
    reverse: false,
  });
  const by = str(values.by);
  if (by !== 'key' && by !== 'value') throw pythonError('FilterArgumentError', 'You can only sort by either "key" or "value"');
  const position = by === 'key' ? 0 : 1;
  if (isUndefined(value)) failUndefined(value);
  if (!isDict(value)) throw pythonError('AttributeError', `'${typeName(value)}' object has no attribute 'items'`);
  const items = dictEntries(value).map(([k, v]) => tuple([k, v]));
  const key = keyFunction(null, values.case_sensitive);
  const sign = truthy(values.reverse) ? -1 : 1;
  return [...listOf(items)].sort((a, b) => sign * order('<', key((a as unknown[])[position]), key((b as unknown[])[position])));
}

/** Jinja2's `wordcount`: the number of `\w+` runs in `str(value)`. */
function wordcount(value: unknown): number {
  return (str(value).match(/[\p{L}\p{N}_]+/gu) ?? []).length;
}

/** Python `abs()`: keeps int/float, bools become ints. */
function abs(value: unknown): unknown {
  if (isUndefined(value)) failUndefined(value);
  const number = numericValue(value);
  if (number === null) throw pythonError('TypeError', `bad operand type for abs(): '${typeName(value)}'`);
  return number < 0 ? pythonRuntime.neg(value) : pythonRuntime.pos(value);
}

/** Jinja2's `reverse`: a reversed str, `reversed(value)`, else a reversed copy of `list(value)`. */
function reverse(value: unknown): unknown {
  const text = asString(value);
  if (text !== null) return Array.from(text).reverse().join('');
  if (isReversible(value)) return lazy([...listOf(value)].reverse(), 'list_reverseiterator');
  if (!Array.isArray(value)) throw pythonError('FilterArgumentError', 'argument must be iterable');
  return [...listOf(value)].reverse();
}

/** Jinja2's `batch(linecount, fill_with=None)`: lists of `linecount` items, the last one padded with `fill_with`. */
function batch(value: unknown, ...args: unknown[]): unknown[] {
  const { values } = bindArguments('batch', args, ['linecount', 'fill_with'], { fill_with: null });
  const size = Number(numericValue(values.linecount));
  const groups: unknown[][] = [];
  for (const item of listOf(value)) {
    const current = groups[groups.length - 1];
    if (current === undefined || current.length === size) groups.push([item]);
    else current.push(item);
  }
  const tail = groups[groups.length - 1];
  if (tail !== undefined && values.fill_with !== null) while (tail.length < size) tail.push(values.fill_with);
  return lazy(groups, 'generator');
}

function sum(value: unknown, ...args: unknown[]): unknown {
  const { values } = bindArguments('sum', args, ['attribute', 'start'], { attribute: null, start: 0 });
  let list = listOf(value);
  if (values.attribute !== null) list = list.map(attributeGetter(values.attribute));
  return list.reduce<unknown>((total, item) => pythonRuntime.add(total, item), values.start);
}

function escapeFilter(value: unknown): Markup {
  return value instanceof Markup ? value : new Markup(escapeHtml(str(value)));
}

function stringMethod(name: string): JinjaFilter {
  return (value) => (findMethod(str(value), name) as () => string)();
}

/** Jinja2's `sort(reverse=False, case_sensitive=False, attribute=None)`: a new sorted list (stable). */
function sort(value: unknown, ...args: unknown[]): unknown[] {
  const { values } = bindArguments('sort', args, ['reverse', 'case_sensitive', 'attribute'], {
    reverse: false,
    case_sensitive: false,
    attribute: null,
  });
  const paths = (asString(values.attribute)?.split(',') ?? [values.attribute]).map(attributeParts);
  const post = truthy(values.case_sensitive) ? (item: unknown) => item : ignoreCase;
  const key = (item: unknown): unknown[] =>
    paths.map((parts) => post(parts.reduce<unknown>((current, part) => pythonRuntime.getitem(current, part), item)));
  const sign = truthy(values.reverse) ? -1 : 1;
  return listOf(value)
    .map((item) => [key(item), item] as const)
    .sort(([a], [b]) => sign * order('<', a, b))
    .map(([, item]) => item);
}

/** Jinja2's `groupby(attribute, default=None, case_sensitive=False)`: sorted `(grouper, list)` named tuples. */
function groupby(value: unknown, ...args: unknown[]): unknown[] {
  const { values } = bindArguments('groupby', args, ['attribute', 'default', 'case_sensitive'], { default: null, case_sensitive: false });
  const exact = attributeGetter(values.attribute, values.default);
  const caseSensitive = truthy(values.case_sensitive);
  const key = caseSensitive ? exact : (item: unknown) => ignoreCase(exact(item));
  const sorted = listOf(value)
    .map((item) => [key(item), item] as const)
    .sort(([a], [b]) => order('<', a, b));
  const groups: [unknown, unknown[]][] = [];
  for (const [groupKey, item] of sorted) {
    const last = groups[groups.length - 1];
    if (last !== undefined && equals(last[0], groupKey)) last[1].push(item);
    else groups.push([groupKey, [item]]);
  }
  return groups.map(([groupKey, items]) => namedTuple([caseSensitive ? groupKey : exact(items[0]), items], ['grouper', 'list']));
}

/** Python `round(x, n)` on a finite float: the exact binary value rounded half to even at n decimals. */
function roundHalfEven(x: number, digits: number): number {
  if (!Number.isFinite(x) || digits > 300) return x;
  if (digits < 0) {
    const scale = 10 ** -digits;
    return roundHalfEven(x / scale, 0) * scale;
  }
  const fixed = Math.abs(x).toFixed(Math.min(digits, 100));
  const [mantissa, exponent] = exactBinary(Math.abs(x));
  const scaled = mantissa * 10n ** BigInt(digits);
  if (exponent < 0n) {
    const denominator = 1n << -exponent;
    if (scaled % denominator === denominator / 2n) {
      const floor = scaled / denominator;
      const even = floor % 2n === 0n ? floor : floor + 1n;
      return Math.sign(x) * Number(`${even}e-${digits}`);
    }
  }
  return Math.sign(x) * Number(fixed);
}

/** A finite double as mantissa × 2^exponent, both exact integers. */
function exactBinary(x: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = (bits >> 52n) & 0x7ffn;
  const fraction = bits & 0xfffffffffffffn;
  return biased === 0n ? [fraction, -1074n] : [fraction | (1n << 52n), biased - 1075n];
}

/** Jinja2's `round(precision=0, method='common')`: Python `round()`, or floor/ceil scaled (always a float). */
function round(value: unknown, ...args: unknown[]): unknown {
  const { values } = bindArguments('round', args, ['precision', 'method'], { precision: 0, method: 'common' });
  const method = str(values.method);
  if (!['common', 'ceil', 'floor'].includes(method)) throw pythonError('FilterArgumentError', 'method must be common, ceil or floor');
  const number = isUndefined(value) ? null : numericValue(value);
  if (number === null) throw pythonError('TypeError', `type ${typeName(value)} doesn't define __round__ method`);
  const precision = numericValue(values.precision) ?? 0;
  if (method === 'common') return isFloat(value) ? pyFloat(roundHalfEven(number, precision)) : number;
  const scale = 10 ** precision;
  return pyFloat((method === 'floor' ? Math.floor : Math.ceil)(number * scale) / scale);
}

/** Jinja2's `truncate(length=255, killwords=False, end='...', leeway=5)`. */
function truncate(value: unknown, ...args: unknown[]): string {
  const { values } = bindArguments('truncate', args, ['length', 'killwords', 'end', 'leeway'], {
    length: 255,
    killwords: false,
    end: '...',
    leeway: 5,
  });
  const length = Number(numericValue(values.length));
  const end = str(values.end);
  if (length < Array.from(end).length) throw pythonError('AssertionError', `expected length >= ${Array.from(end).length}, got ${length}`);
  const text = asString(value);
  if (text === null) {
    // Jinja2 applies len() and slicing to the value itself.
    if (isUndefined(value)) return '';
    if (!Array.isArray(value) && !isDict(value)) throw pythonError('TypeError', `object of type '${typeName(value)}' has no len()`);
    if (pyLen(value) <= length + Number(numericValue(values.leeway))) return str(value);
    const kind = typeName(value);
    if (truthy(values.killwords)) throw pythonError('TypeError', `can only concatenate ${kind} (not "str") to ${kind}`);
    throw pythonError('AttributeError', `'${kind}' object has no attribute 'rsplit'`);
  }
  const points = Array.from(text);
  if (points.length <= length + Number(numericValue(values.leeway))) return text;
  const head = points.slice(0, Math.max(0, length - Array.from(end).length)).join('');
  if (truthy(values.killwords)) return head + end;
  const space = head.lastIndexOf(' ');
  return (space < 0 ? head : head.slice(0, space)) + end;
}

/** Jinja2's `format(*args, **kwargs)`: `str(value) % args` (or `% kwargs`). */
function format(value: unknown, ...args: unknown[]): string {
  const { positional, keywords } = splitArguments(args);
  const hasKeywords = Object.keys(keywords).length > 0;
  if (positional.length > 0 && hasKeywords) {
    throw pythonError('FilterArgumentError', "can't handle positional and keyword arguments at the same time");
  }
  return percentFormat(str(value), hasKeywords ? Dict.of(Object.entries(keywords)) : tuple(positional));
}

/** Jinja2's `attr(name)`: attribute lookup only (methods, named-tuple fields, namespace attributes), never dict items. */
function attr(value: unknown, name: unknown): unknown {
  if (isUndefined(value)) failUndefined(value);
  const attribute = str(name);
  if (value instanceof Namespace) return pythonRuntime.getattr(value, attribute);
  return findMethod(value, attribute) ?? tupleField(value, attribute) ?? new Undefined(missingMemberHint(value, attribute));
}

/** Filter name → implementation, as registered on the environment. */
export const JINJA_FILTERS: Record<string, JinjaFilter> = {
  tojson,
  items,
  trim: (value, chars = null) => pyStrip(str(value), chars, true, true),
  length: (value) => (isUndefined(value) ? 0 : pyLen(value)),
  count: (value) => (isUndefined(value) ? 0 : pyLen(value)),
  string: (value) => str(value),
  list: (value) => [...listOf(value)],
  join,
  first,
  last,
  default: defaultFilter,
  d: defaultFilter,
  select: selectOrReject(true, false),
  reject: selectOrReject(false, false),
  selectattr: selectOrReject(true, true),
  rejectattr: selectOrReject(false, true),
  map,
  attr,
  batch,
  center: (value, width = 80) => pyJustify(str(value), Number(numericValue(width)), ' ', 'center'),
  format,
  groupby,
  round,
  sort,
  truncate,
  upper: stringMethod('upper'),
  lower: stringMethod('lower'),
  capitalize: stringMethod('capitalize'),
  title: (value) => titleCase(str(value)),
  replace: (value, ...args) => {
    const { values } = bindArguments('replace', args, ['old', 'new', 'count'], { count: null });
    const count = optionalNumber(values.count);
    return pyReplace(str(value), str(values.old), str(values.new), count === null ? -1 : count);
  },
  safe: (value) => (value instanceof Markup ? value : new Markup(str(value))),
  escape: escapeFilter,
  e: escapeFilter,
  forceescape: (value) => new Markup(escapeHtml(str(value))),
  int: toInt,
  float: toFloat,
  abs,
  dictsort,
  wordcount,
  reverse,
  sum,
  indent,
  unique,
  min: extreme('min'),
  max: extreme('max'),
};
