/**
 * Template globals: transformers' `raise_exception` and `strftime_now` (per transformers
 * `chat_template_utils.py`) and Jinja2's `namespace`, `range` and `dict` (`jinja2/defaults.py`,
 * with the sandbox's range cap from `jinja2/sandbox.py`).
 */
import { ChatTemplateError, pythonError } from './chat-template-error';
import { splitArguments } from './python-arguments';
import { pythonStrftime } from './python-strftime';
import { isDict, Namespace, numericValue, str } from './python-values';

/** Jinja2's sandbox refuses `range()` results longer than this. */
const MAX_RANGE = 100_000;

function range(...args: unknown[]): number[] {
  const numbers = splitArguments(args).positional.map((value) => {
    const n = numericValue(value);
    if (n === null || !Number.isInteger(n)) {
      throw pythonError('TypeError', `'${typeof value === 'number' ? 'float' : 'str'}' object cannot be interpreted as an integer`);
    }
    return n;
  });
  const [start, stop, step] = numbers.length === 1 ? [0, numbers[0], 1] : [numbers[0], numbers[1], numbers[2] ?? 1];
  if (step === 0) throw pythonError('ValueError', 'range() arg 3 must not be zero');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > MAX_RANGE) {
    throw pythonError('OverflowError', `Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  }
  return Array.from({ length }, (_, i) => start + i * step);
}

function namespace(...args: unknown[]): Namespace {
  const { positional, keywords } = splitArguments(args);
  const ns = new Namespace();
  for (const source of [...positional.filter(isDict), keywords]) Object.assign(ns.attributes, source);
  return ns;
}

/** Options for {@link createJinjaGlobals}. */
export interface JinjaGlobalsOptions {
  /** Clock for `strftime_now`; defaults to the current time. */
  now?: () => Date;
}

/** Global name → value, as registered on the environment. */
export function createJinjaGlobals(options: JinjaGlobalsOptions = {}): Record<string, unknown> {
  const now = options.now ?? (() => new Date());
  return {
    raise_exception: (message: unknown): never => {
      throw new ChatTemplateError('raise_exception', str(message), { pythonType: 'TemplateError' });
    },
    strftime_now: (format: unknown): string => pythonStrftime(now(), str(format)),
    namespace,
    range,
    dict: (...args: unknown[]): Record<string, unknown> => {
      const { positional, keywords } = splitArguments(args);
      return Object.assign({}, ...positional.filter(isDict), keywords) as Record<string, unknown>;
    },
  };
}
