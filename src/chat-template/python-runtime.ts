/**
 * Python/Jinja2 semantics for the operations a compiled template performs: the generated
 * code of `nunjucks-jinja-compiler.ts` calls these instead of JS operators, so that truthiness,
 * `+`, `==`, `in`, attribute/item lookup, slicing, iteration and Undefined behave as in
 * Jinja2's ImmutableSandboxedEnvironment (transformers' chat-template environment).
 * Error messages are CPython's / Jinja2's own wording.
 */
import { pythonError } from './chat-template-error';
import { findMethod, UNSAFE_METHODS } from './python-methods';
import {
  asString,
  consume,
  dictHas,
  equals,
  escapeHtml,
  failUndefined,
  isDict,
  isTuple,
  isUndefined,
  lazyKind,
  Markup,
  missingMemberHint,
  Namespace,
  numericValue,
  order,
  str,
  truthy,
  tuple,
  typeName,
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
  if (obj instanceof Namespace) {
    return Object.prototype.hasOwnProperty.call(obj.attributes, name) ? obj.attributes[name] : new Undefined(missingMemberHint(obj, name));
  }
  const method = findMethod(obj, name);
  if (method !== undefined) return method;
  const kind = typeName(obj);
  if (UNSAFE_METHODS[kind]?.has(name)) {
    return new Undefined(`access to attribute '${name}' of '${kind}' object is unsafe.`, 'SecurityError');
  }
  if (isDict(obj) && dictHas(obj, name)) return obj[name];
  return new Undefined(missingMemberHint(obj, name));
}

/** Item lookup `obj[key]` per Jinja2's sandboxed `getitem` (items first, then attributes). */
function getitem(obj: unknown, key: unknown): unknown {
  if (isUndefined(obj)) failUndefined(obj);
  notSubscriptable(obj);
  if (isUndefined(key)) return new Undefined(missingMemberHint(obj, key));
  const text = asString(obj);
  if ((Array.isArray(obj) || text !== null) && isIntLike(key)) {
    const items = text !== null ? Array.from(text) : (obj as unknown[]);
    const index = numericValue(key) as number;
    const at = index < 0 ? index + items.length : index;
    if (at >= 0 && at < items.length) return items[at];
    return new Undefined(missingMemberHint(obj, key));
  }
  const name = asString(key);
  if (isDict(obj) && name !== null && dictHas(obj, name)) return obj[name];
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
  if (isDict(value)) return Object.keys(value).filter((k) => value[k] !== undefined);
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
    const key = asString(item);
    return key !== null && dictHas(container, key);
  }
  throw pythonError('TypeError', `argument of type '${typeName(container)}' is not iterable`);
}

function add(a: unknown, b: unknown): unknown {
  checkDefined(a, b);
  const x = numericValue(a);
  const y = numericValue(b);
  if (x !== null && y !== null) return x + y;
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

function mul(a: unknown, b: unknown): unknown {
  checkDefined(a, b);
  if ((asString(a) !== null || Array.isArray(a)) && isIntLike(b)) return repeat(a, b);
  if ((asString(b) !== null || Array.isArray(b)) && isIntLike(a)) return repeat(b, a);
  const [x, y] = numbers('*', a, b);
  return x * y;
}

function truediv(a: unknown, b: unknown): number {
  const [x, y] = numbers('/', a, b);
  if (y === 0) throw pythonError('ZeroDivisionError', 'division by zero');
  return x / y;
}

function floordiv(a: unknown, b: unknown): number {
  const [x, y] = numbers('//', a, b);
  if (y === 0) throw pythonError('ZeroDivisionError', 'integer division or modulo by zero');
  return Math.floor(x / y);
}

function mod(a: unknown, b: unknown): number {
  const [x, y] = numbers('%', a, b);
  if (y === 0) throw pythonError('ZeroDivisionError', 'integer modulo by zero');
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
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
  sub: (a: unknown, b: unknown): number => {
    const [x, y] = numbers('-', a, b);
    return x - y;
  },
  mul,
  truediv,
  floordiv,
  mod,
  pow: (a: unknown, b: unknown): number => {
    const [x, y] = numbers('** or pow()', a, b);
    return x ** y;
  },
  neg: (a: unknown): number => {
    checkDefined(a);
    const x = numericValue(a);
    if (x === null) throw pythonError('TypeError', `bad operand type for unary -: '${typeName(a)}'`);
    return -x;
  },
  pos: (a: unknown): number => {
    checkDefined(a);
    const x = numericValue(a);
    if (x === null) throw pythonError('TypeError', `bad operand type for unary +: '${typeName(a)}'`);
    return x;
  },
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
  /** `loop.cycle(a, b, …)` for the iteration at `index`. */
  loopCycle:
    (index: number) =>
    (...args: unknown[]): unknown => {
      if (args.length === 0) throw pythonError('TypeError', 'no items for cycling given');
      return args[index % args.length];
    },
};

