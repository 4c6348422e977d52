/**
 * Jinja2 built-in filters re-implemented with Jinja2 3.1 semantics (`jinja2/filters.py`) over
 * Python-valued data, plus transformers' `tojson` override (`json.dumps` with
 * `ensure_ascii=False`, per transformers `chat_template_utils.py`). Filters receive Nunjucks'
 * trailing keyword-argument bag, bound here with Python signatures.
 */
import { pythonError } from './chat-template-error';
import { bindArguments, splitArguments } from './python-arguments';
import { pythonJsonDumps } from './python-json';
import { findMethod, pyInt, pyLen, pyReplace, pySplitlines, pyStrip } from './python-methods';
import { pythonRuntime } from './python-runtime';
import {
  asString,
  dictEntries,
  equals,
  escapeHtml,
  isDict,
  isUndefined,
  lazy,
  Markup,
  numericValue,
  order,
  repr,
  str,
  truthy,
  tuple,
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

/** Jinja2's `make_attrgetter`: dotted path of item lookups (`"function.name"`, `"0"`). */
function attributeGetter(attribute: unknown): (item: unknown) => unknown {
  const path = asString(attribute);
  const parts = path === null ? [attribute] : path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return (item) => parts.reduce<unknown>((value, part) => pythonRuntime.getitem(value, part), item);
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

function last(value: unknown): unknown {
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
  const lines = pySplitlines(`${str(value)}\n`, false);
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
  const seen: unknown[] = [];
  const kept = listOf(value).filter((item) => {
    const k = key(item);
    if (seen.some((other) => equals(other, k))) return false;
    seen.push(k);
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

const FLOAT_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Python `float(text)` for decimal strings; null when Python would raise. */
function parseFloatText(value: unknown): number | null {
  const text = asString(value);
  return text !== null && FLOAT_TEXT.test(text) ? Number(text) : null;
}

/** Jinja2's `int(default=0, base=10)`: int(), else int(float()), else the default. */
function toInt(value: unknown, ...args: unknown[]): unknown {
  const { values } = bindArguments('int', args, ['default', 'base'], { default: 0, base: 10 });
  const parsed = pyInt(value) ?? parseFloatText(value);
  return parsed === null ? values.default : Math.trunc(parsed);
}

/** Jinja2's `float(default=0.0)`. */
function toFloat(value: unknown, ...args: unknown[]): unknown {
  const { values } = bindArguments('float', args, ['default'], { default: 0 });
  return (typeof value === 'string' ? parseFloatText(value) : numericValue(value)) ?? values.default;
}

function reverse(value: unknown): unknown {
  const text = asString(value);
  if (text !== null) return Array.from(text).reverse().join('');
  return lazy([...listOf(value)].reverse(), 'list_reverseiterator');
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
  attr: (value, name) => pythonRuntime.getattr(value, str(name)),
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
  abs: (value) => Math.abs(pythonRuntime.pos(value)),
  reverse,
  sum,
  indent,
  unique,
  min: extreme('min'),
  max: extreme('max'),
};
