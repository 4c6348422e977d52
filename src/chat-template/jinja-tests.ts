/**
 * Jinja2's built-in tests (`value is defined`, `is string`, `is none`, …) with Jinja2 3.1
 * semantics (`jinja2/tests.py`) over Python-valued data.
 */
import { pythonRuntime } from './python-runtime';
import { asString, equals, isDict, isFloat, isInteger, isUndefined, numericValue, order, str } from './python-values';

export type JinjaTest = (value: unknown, ...args: unknown[]) => boolean;

function isCased(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** Jinja2's `lower`/`upper` tests: `str(value).islower()` / `.isupper()`. */
function caseTest(value: unknown, convert: (s: string) => string): boolean {
  const text = str(value);
  return Array.from(text).some(isCased) && convert(text) === text;
}

/** `value % divisor == remainder`, with Python's `%` (TypeError for non-numbers, string formatting for str). */
function modulo(value: unknown, divisor: unknown, remainder: number): boolean {
  return equals(pythonRuntime.mod(value, divisor), remainder);
}

/** Test name → implementation, as registered on the environment. */
export const JINJA_TESTS: Record<string, JinjaTest> = {
  defined: (value) => !isUndefined(value),
  undefined: (value) => isUndefined(value),
  none: (value) => value === null,
  boolean: (value) => typeof value === 'boolean',
  false: (value) => value === false,
  true: (value) => value === true,
  integer: (value) => isInteger(value),
  float: (value) => isFloat(value),
  number: (value) => numericValue(value) !== null,
  string: (value) => asString(value) !== null,
  mapping: (value) => isDict(value),
  iterable: (value) => isUndefined(value) || asString(value) !== null || Array.isArray(value) || isDict(value),
  sequence: (value) => isUndefined(value) || asString(value) !== null || Array.isArray(value) || isDict(value),
  callable: (value) => typeof value === 'function' || isUndefined(value),
  sameas: (value, other) => value === other,
  escaped: (value) => value instanceof String,
  lower: (value) => caseTest(value, (s) => s.toLowerCase()),
  upper: (value) => caseTest(value, (s) => s.toUpperCase()),
  odd: (value) => modulo(value, 2, 1),
  even: (value) => modulo(value, 2, 0),
  divisibleby: (value, num) => modulo(value, num, 0),
  in: (value, seq) => pythonRuntime.contains(seq, value),
  eq: (value, other) => equals(value, other),
  equalto: (value, other) => equals(value, other),
  '==': (value, other) => equals(value, other),
  ne: (value, other) => !equals(value, other),
  '!=': (value, other) => !equals(value, other),
  lt: (value, other) => order('<', value, other) < 0,
  lessthan: (value, other) => order('<', value, other) < 0,
  '<': (value, other) => order('<', value, other) < 0,
  le: (value, other) => order('<=', value, other) <= 0,
  '<=': (value, other) => order('<=', value, other) <= 0,
  gt: (value, other) => order('>', value, other) > 0,
  greaterthan: (value, other) => order('>', value, other) > 0,
  '>': (value, other) => order('>', value, other) > 0,
  ge: (value, other) => order('>=', value, other) >= 0,
  '>=': (value, other) => order('>=', value, other) >= 0,
};
