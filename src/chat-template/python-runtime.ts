/**
 * Python/Jinja2 semantics for the operations a compiled template performs: the generated
 * code of `nunjucks-jinja-compiler.ts` calls these instead of JS operators, so that truthiness,
 * `+`, `==`, `in`, attribute/item lookup, slicing, iteration and Undefined behave as in
 * Jinja2's ImmutableSandboxedEnvironment (transformers' chat-template environment).
 * Error messages are CPython's / Jinja2's own wording.
 */
import { pythonError } from './chat-template-error';
import { makeKeywordArgs, splitArguments } from './python-arguments';
import { percentFormat } from './python-format';
import { findMethod, UNSAFE_METHODS } from './python-methods';
import {
  asString,
  consume,
  Dict,
  dictEntries,
  dictGet,
  equals,
  escapeHtml,
  failUndefined,
  hashKey,
  isDict,
  isFloat,
  isTuple,
  isUndefined,
  lazyKind,
  LoopContext,
  Markup,
  missingMemberHint,
  Namespace,
  numericValue,
  order,
  pyFloat,
  PyFloat,
  str,
  truthy,
  tuple,
  typeName,
  tupleField,
  Undefined,
} from './python-values';

type Thunk = () => unknown;

function checkDefined(...values: unknown[]): void {
  for (const value of values) {
    if (isUndefined(value)) failUndefined(value);
  }
}

function unsupported(op: string, a: unknown, b: unknown): never {
  throw pythonError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  checkDefined(a, b);
  const x = numericValue(a);
  const y = numericValue(b);
  if (x === null || y === null) unsupported(op, a, b);
  return [x, y];
}

/** The result of a numeric operation on `a` and `b`: a float when either operand is one, as in Python. */
function numberResult(a: unknown, b: unknown, result: number): number | PyFloat {
  return isFloat(a) || isFloat(b) ? pyFloat(result) : result;
}

/** A numeric operation with Python's operand checks and int/float result type. */
function arithmetic(op: string, apply: (x: number, y: number) => number): (a: unknown, b: unknown) => number | PyFloat {
  return (a, b) => {
    const [x, y] = numbers(op, a, b);
    return numberResult(a, b, apply(x, y));
  };
}

function repeat(sequence: unknown, times: unknown): unknown {
  const count = typeof times === 'boolean' ? Number(times) : (times as number);
  const text = asString(sequence);
  if (text !== null) return text.repeat(Math.max(0, count));
  const list = sequence as unknown[];
  const repeated = Array.from({ length: Math.max(0, count) }, () => list).flat();
  return isTuple(list) ? tuple(repeated) : repeated;
}

function isIntLike(value: unknown): boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value));
}

/** Python's normalisation of slice bounds (`PySlice_AdjustIndices`). */
function sliceIndices(length: number, start: unknown, stop: unknown, step: unknown): number[] {
  const stepValue = step === null || isUndefined(step) ? 1 : (numericValue(step) ?? 1);
  if (stepValue === 0) throw pythonError('ValueError', 'slice step cannot be zero');
  const bound = (value: unknown, fallback: number, low: number, high: number): number => {
    if (value === null || isUndefined(value)) return fallback;
    let n = numericValue(value);
    if (n === null) throw pythonError('TypeError', 'slice indices must be integers or None or have an __index__ method');
    if (n < 0) n += length;
    return Math.min(Math.max(n, low), high);
  };
  const indices: number[] = [];
  if (stepValue > 0) {
    const from = bound(start, 0, 0, length);
    const to = bound(stop, length, 0, length);
    for (let i = from; i < to; i += stepValue) indices.push(i);
  } else {
    const from = bound(start, length - 1, -1, length - 1);
    const to = bound(stop, -1, -1, length - 1);
    for (let i = from; i > to; i += stepValue) indices.push(i);
  }
  return indices;
}

function notSubscriptable(obj: unknown): void {
  const kind = lazyKind(obj);
  if (kind !== undefined) throw pythonError('TypeError', `'${kind}' object is not subscriptable`);
}

/** Attribute lookup `obj.name` per Jinja2's sandboxed `getattr` (methods before dict keys). */
function getattr(obj: unknown, name: string): unknown {
  if (isUndefined(obj)) failUndefined(obj);
  if (obj instanceof LoopContext) return obj.attribute(name) ?? new Undefined(missingMemberHint(obj, name));
  if (obj instanceof Namespace) {
    return Object.prototype.hasOwnProperty.call(obj.attributes, name) ? obj.attributes[name] : new Undefined(missingMemberHint(obj, name));
  }
  const method = findMethod(obj, name);
  if (method !== undefined) return method;
  const field = tupleField(obj, name);
  if (field !== undefined) return field;
  const kind = typeName(obj);
  if (UNSAFE_METHODS[kind]?.has(name)) {
    return new Undefined(`access to attribute '${name}' of '${kind}' object is unsafe.`, 'SecurityError');
  }
  const item = isDict(obj) ? dictGet(obj, name) : undefined;
  return item === undefined ? new Undefined(missingMemberHint(obj, name)) : item;
}

/** Item lookup `obj[key]` per Jinja2's sandboxed `getitem` (items first, then attributes). */
function getitem(obj: unknown, key: unknown): unknown {
  if (isUndefined(obj)) failUndefined(obj);
  if (isUndefined(key)) return new Undefined(missingMemberHint(obj, key));
  const text = asString(obj);
  if (((Array.isArray(obj) && lazyKind(obj) === undefined) || text !== null) && isIntLike(key)) {
    const items = text !== null ? Array.from(text) : (obj as unknown[]);
    const index = numericValue(key) as number;
    const at = index < 0 ? index + items.length : index;
    if (at >= 0 && at < items.length) return items[at];
    return new Undefined(missingMemberHint(obj, key));
  }
  const item = isDict(obj) ? dictGet(obj, key) : undefined;
  if (item !== undefined) return item;
  const name = asString(key);
  if (name !== null) return getattr(obj, name);
  return new Undefined(missingMemberHint(obj, key));
}

/** `obj[start:stop:step]` on a list or str. */
function slice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (isUndefined(obj)) failUndefined(obj);
  notSubscriptable(obj);
  const text = asString(obj);
  if (text !== null) {
    const points = Array.from(text);
    return sliceIndices(points.length, start, stop, step)
      .map((i) => points[i])
      .join('');
  }
  if (Array.isArray(obj)) {
    const items = sliceIndices(obj.length, start, stop, step).map((i) => obj[i]);
    return isTuple(obj) ? tuple(items) : items;
  }
  throw pythonError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
}

/** The items a `for` loop visits: list items, str characters, dict keys; Undefined is empty. */
function iterate(value: unknown): unknown[] {
  if (isUndefined(value)) return [];
  if (Array.isArray(value)) return consume(value);
  const text = asString(value);
  if (text !== null) return Array.from(text);
  if (isDict(value)) return dictEntries(value).map(([key]) => key);
  throw pythonError('TypeError', `'${typeName(value)}' object is not iterable`);
}

/** Tuple unpacking `a, b = value`. */
function unpack(value: unknown, count: number): unknown[] {
  const items = iterate(value);
  if (items.length < count) {
    throw pythonError('ValueError', `not enough values to unpack (expected ${count}, got ${items.length})`);
  }
  if (items.length > count) throw pythonError('ValueError', `too many values to unpack (expected ${count})`);
  return items;
}

/** `item in container`. */
function contains(container: unknown, item: unknown): boolean {
  if (isUndefined(container)) return false;
  const text = asString(container);
  if (text !== null) {
    const needle = asString(item);
    if (needle === null) {
      throw pythonError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return text.includes(needle);
  }
  if (Array.isArray(container)) return container.some((candidate) => equals(candidate, item));
  if (isDict(container)) {
    if (hashKey(item) === null) throw pythonError('TypeError', `unhashable type: '${typeName(item)}'`);
    return dictGet(container, item) !== undefined;
  }
  throw pythonError('TypeError', `argument of type '${typeName(container)}' is not iterable`);
}

function add(a: unknown, b: unknown): unknown {
  checkDefined(a, b);
  const x = numericValue(a);
  const y = numericValue(b);
  if (x !== null && y !== null) return numberResult(a, b, x + y);
  const textA = asString(a);
  const textB = asString(b);
  if (textA !== null && textB !== null) {
    if (a instanceof Markup) return new Markup(textA + (b instanceof Markup ? textB : escapeHtml(textB)));
    if (b instanceof Markup) return new Markup(escapeHtml(textA) + textB);
    return textA + textB;
  }
  if (textA !== null && !(a instanceof Markup)) {
    throw pythonError('TypeError', `can only concatenate str (not "${typeName(b)}") to str`);
  }
  if (Array.isArray(a) && lazyKind(a) === undefined) {
    const kind = typeName(a);
    if (!Array.isArray(b) || typeName(b) !== kind) {
      throw pythonError('TypeError', `can only concatenate ${kind} (not "${typeName(b)}") to ${kind}`);
    }
    return isTuple(a) ? tuple([...a, ...b]) : [...a, ...b];
  }
  return unsupported('+', a, b);
}

function isSequence(value: unknown): boolean {
  return asString(value) !== null || (Array.isArray(value) && lazyKind(value) === undefined);
}

function mul(a: unknown, b: unknown): unknown {
  checkDefined(a, b);
  if (isSequence(a) || isSequence(b)) {
    const [sequence, times] = isSequence(a) ? [a, b] : [b, a];
    if (!isIntLike(times)) throw pythonError('TypeError', `can't multiply sequence by non-int of type '${typeName(times)}'`);
    return repeat(sequence, times);
  }
  const [x, y] = numbers('*', a, b);
  return numberResult(a, b, x * y);
}

function truediv(a: unknown, b: unknown): number | PyFloat {
  const [x, y] = numbers('/', a, b);
  if (y === 0) throw pythonError('ZeroDivisionError', isFloat(a) || isFloat(b) ? 'float division by zero' : 'division by zero');
  return pyFloat(x / y);
}

function floordiv(a: unknown, b: unknown): number | PyFloat {
  const [x, y] = numbers('//', a, b);
  if (y === 0) {
    throw pythonError('ZeroDivisionError', isFloat(a) || isFloat(b) ? 'float floor division by zero' : 'integer division or modulo by zero');
  }
  return numberResult(a, b, Math.floor(x / y));
}

function mod(a: unknown, b: unknown): unknown {
  const text = asString(a);
  if (text !== null) return percentFormat(text, b);
  const [x, y] = numbers('%', a, b);
  if (y === 0) throw pythonError('ZeroDivisionError', isFloat(a) || isFloat(b) ? 'float modulo' : 'integer modulo by zero');
  const r = x % y;
  return numberResult(a, b, r !== 0 && r < 0 !== y < 0 ? r + y : r);
}

function pow(a: unknown, b: unknown): number | PyFloat {
  const [x, y] = numbers('** or pow()', a, b);
  if (x === 0 && y < 0) throw pythonError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  const result = x ** y;
  return y < 0 ? pyFloat(result) : numberResult(a, b, result);
}

function unary(op: string, sign: 1 | -1): (a: unknown) => number | PyFloat {
  return (a) => {
    checkDefined(a);
    const x = numericValue(a);
    if (x === null) throw pythonError('TypeError', `bad operand type for unary ${op}: '${typeName(a)}'`);
    const result = sign * x;
    return isFloat(a) ? pyFloat(result) : result === 0 ? 0 : result;
  };
}

function compareOnce(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case '<':
      return order(op, a, b) < 0;
    case '<=':
      return order(op, a, b) <= 0;
    case '>':
      return order(op, a, b) > 0;
    case '>=':
      return order(op, a, b) >= 0;
    default:
      throw pythonError('TemplateSyntaxError', `unsupported comparison operator '${op}'`);
  }
}

/** Keyword under which a macro wrapper hands the body its `varargs` and `kwargs`. */
export const MACRO_EXTRAS = '__jinjaMacroExtras';

type NunjucksMacro = (...args: unknown[]) => unknown;

/**
 * Wraps a compiled Nunjucks macro with Jinja2's argument rules (`jinja2/runtime.py` Macro):
 * positional arguments beyond `params` become `varargs`, unknown keywords `kwargs` (a dict), each
 * allowed only when the body uses that name; `caller` always passes through.
 */
function macro(fn: NunjucksMacro, name: string, params: string[], takesVarargs: boolean, takesKwargs: boolean): NunjucksMacro {
  return function (this: unknown, ...args: unknown[]): unknown {
    const { positional, keywords } = splitArguments(args);
    if (positional.length > params.length && !takesVarargs) {
      throw pythonError('TypeError', `macro '${name}' takes not more than ${params.length} argument(s)`);
    }
    const known: Record<string, unknown> = {};
    const extra: [string, unknown][] = [];
    for (const [key, value] of Object.entries(keywords)) {
      if (params.includes(key) || key === 'caller') known[key] = value;
      else if (takesKwargs) extra.push([key, value]);
      else throw pythonError('TypeError', `macro '${name}' takes no keyword argument '${key}'`);
    }
    if (takesVarargs || takesKwargs) {
      known[MACRO_EXTRAS] = {
        varargs: takesVarargs ? tuple(positional.slice(params.length)) : undefined,
        kwargs: takesKwargs ? Dict.of(extra) : undefined,
      };
    }
    return fn.apply(this, [...positional.slice(0, params.length), makeKeywordArgs(known)]);
  };
}

/**
 * The helpers compiled templates call (as `$py.<name>`). Operand thunks keep Python's
 * short-circuit evaluation for `and`, `or` and chained comparisons.
 */
export const pythonRuntime = {
  /** A variable's value, or Undefined(`'name' is undefined`) when it has none. */
  name: (value: unknown, variable: string): unknown =>
    value === undefined ? new Undefined(`'${variable}' is undefined`) : value,
  undefinedValue: (hint: string): Undefined => new Undefined(hint),
  truthy,
  and: (a: unknown, b: Thunk): unknown => (truthy(a) ? b() : a),
  or: (a: unknown, b: Thunk): unknown => (truthy(a) ? a : b()),
  not: (a: unknown): boolean => !truthy(a),
  /** `{{ value }}` and `~`: Python `str()`, Undefined as ''. */
  str,
  concat: (a: unknown, b: unknown): string => str(a) + str(b),
  add,
  sub: arithmetic('-', (x, y) => x - y),
  mul,
  truediv,
  floordiv,
  mod,
  pow,
  neg: unary('-', -1),
  pos: unary('+', 1),
  /** `a op1 b op2 c …` with Python chaining: each operand evaluated at most once. */
  compare: (first: unknown, ...rest: (string | Thunk)[]): boolean => {
    let left = first;
    for (let i = 0; i < rest.length; i += 2) {
      const right = (rest[i + 1] as Thunk)();
      if (!compareOnce(left, rest[i] as string, right)) return false;
      left = right;
    }
    return true;
  },
  contains,
  getattr,
  getitem,
  slice,
  iterate,
  unpack,
  filterLoop: (items: unknown[], keep: (item: unknown) => boolean): unknown[] => items.filter(keep),
  /** A tuple literal `(a, b)`. */
  tuple,
  /** A dict literal `{k: v, …}` as its (key, value) pairs. */
  dict: (pairs: [unknown, unknown][]): Dict => Dict.of(pairs),
  macro,
  /** A float literal with an integral value (`1.0`). */
  float: (value: number): number | PyFloat => pyFloat(value),
  /** Calls a template function/macro/method; Undefined and non-callables fail as in Python. */
  call: (fn: unknown, name: string, thisArg: unknown, args: unknown[]): unknown => {
    if (fn instanceof Undefined) fn.fail();
    if (fn === undefined) throw pythonError('UndefinedError', `'${name}' is undefined`);
    if (typeof fn !== 'function') throw pythonError('TypeError', `'${typeName(fn)}' object is not callable`);
    return (fn as (...a: unknown[]) => unknown).apply(thisArg, args);
  },
  /** `{% set target.name = value %}`: only namespaces accept attribute assignment. */
  setattr: (target: unknown, name: string, value: unknown): void => {
    if (!(target instanceof Namespace)) {
      throw pythonError('TemplateRuntimeError', 'cannot assign attribute on non-namespace object');
    }
    target.attributes[name] = value;
  },
  /** A filter or test that does not exist, reached at run time (Jinja2 defers this in `if` blocks). */
  missing: (kind: string, name: string): never => {
    throw pythonError('TemplateRuntimeError', `No ${kind} named '${name}' found.`);
  },
  /** The `loop` object of iteration `index0` over `items`. */
  loop: (items: unknown[], index0: number): LoopContext => new LoopContext(items, index0),
};

