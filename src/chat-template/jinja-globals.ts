/**
 * Template globals: transformers' `raise_exception` and `strftime_now` (per transformers
 * `chat_template_utils.py`) and Jinja2's `namespace`, `range` and `dict` (`jinja2/defaults.py`,
 * with the sandbox's range cap from `jinja2/sandbox.py`).
 */
import { ChatTemplateError, pythonError } from './chat-template-error';
import { splitArguments } from './python-arguments';
import { pythonStrftime } from './python-strftime';
import { Dict, dictEntries, isDict, isInteger, Namespace, PyDict, str, typeName } from './python-values';

/** Jinja2's sandbox refuses `range()` results longer than this. */
const MAX_RANGE = 100_000;

function range(...args: unknown[]): number[] {
  const numbers = splitArguments(args).positional.map((value) => {
    if (typeof value === 'boolean') return Number(value);
    if (!isInteger(value)) throw pythonError('TypeError', `'${typeName(value)}' object cannot be interpreted as an integer`);
    return value;
  });
  const [start, stop, step] = numbers.length === 1 ? [0, numbers[0], 1] : [numbers[0], numbers[1], numbers[2] ?? 1];
  if (step === 0) throw pythonError('ValueError', 'range() arg 3 must not be zero');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > MAX_RANGE) {
    throw pythonError('OverflowError', `Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  }
  return Array.from({ length }, (_, i) => start + i * step);
}

/** The (key, value) pairs of `dict(*positional, **keywords)` / `namespace(...)`: mappings' items, then keywords. */
function mappingPairs(args: unknown[]): [unknown, unknown][] {
  const { positional, keywords } = splitArguments(args);
  return [...positional.filter(isDict).flatMap((source: PyDict) => dictEntries(source)), ...Object.entries(keywords)];
}

function namespace(...args: unknown[]): Namespace {
  const ns = new Namespace();
  for (const [key, value] of mappingPairs(args)) ns.attributes[str(key)] = value;
  return ns;
}

/** Options for {@link createJinjaGlobals}. */
export interface JinjaGlobalsOptions {
  /** Clock for `strftime_now`, formatted in local time; defaults to {@link strftimeNow}'s clock. */
  now?: () => Date;
}

const EPOCH_SECONDS = /^\s*-?\d+\s*$/;

/**
 * `strftime_now(format)` without an injected clock: when the environment variable
 * `SOURCE_DATE_EPOCH` is set (reproducible-builds convention: seconds since the Unix epoch), that
 * instant formatted in UTC, so that renders are identical everywhere; otherwise the current local
 * time, as transformers' `datetime.now()`. The variable is read at every call.
 * @throws ChatTemplateError (kind `render`, pythonType `ValueError`) when SOURCE_DATE_EPOCH is set
 *   but is not an integer, as Python's `int()` would refuse it.
 */
export function strftimeNow(format: string): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return pythonStrftime(new Date(), format);
  if (!EPOCH_SECONDS.test(epoch)) {
    throw pythonError('ValueError', `SOURCE_DATE_EPOCH must be an integer number of seconds, not ${JSON.stringify(epoch)}`);
  }
  return pythonStrftime(new Date(Number(epoch) * 1000), format, true);
}

/** Global name → value, as registered on the environment. */
export function createJinjaGlobals(options: JinjaGlobalsOptions = {}): Record<string, unknown> {
  const { now } = options;
  return {
    raise_exception: (message: unknown): never => {
      throw new ChatTemplateError('raise_exception', str(message), { pythonType: 'TemplateError' });
    },
    strftime_now: (format: unknown): string => (now === undefined ? strftimeNow(str(format)) : pythonStrftime(now(), str(format))),
    namespace,
    range,
    dict: (...args: unknown[]): Dict => Dict.of(mappingPairs(args)),
  };
}
