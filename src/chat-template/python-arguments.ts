/**
 * Binding of template call arguments to Python-style parameters. Nunjucks passes keyword
 * arguments (`f(a, key=value)`) as a trailing object flagged `__keywords: true`.
 */
import { pythonError } from './chat-template-error';

const KEYWORDS_FLAG = '__keywords';

function isKeywordBag(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[KEYWORDS_FLAG] === true;
}

/** Marks `values` as the keyword arguments of a call, as Nunjucks' `runtime.makeKeywordArgs` does. */
export function makeKeywordArgs(values: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(values, { [KEYWORDS_FLAG]: true });
}

/** Splits a call's arguments into positional values and keyword values. */
export function splitArguments(args: readonly unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (!isKeywordBag(last)) return { positional: [...args], keywords: {} };
  const keywords: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(last)) {
    if (key !== KEYWORDS_FLAG) keywords[key] = value;
  }
  return { positional: args.slice(0, -1), keywords };
}

/**
 * Binds arguments to `params` like a Python signature `name(p0=d0, p1=d1, ...)`; parameters not
 * given take `defaults[name]` (or stay absent). `extra` collects surplus positional values.
 * @throws ChatTemplateError (TypeError) for unknown keywords or a parameter given twice.
 */
export function bindArguments(
  functionName: string,
  args: readonly unknown[],
  params: readonly string[],
  defaults: Record<string, unknown> = {},
): { values: Record<string, unknown>; extra: unknown[] } {
  const { positional, keywords } = splitArguments(args);
  const values: Record<string, unknown> = {};
  for (const key in defaults) values[key] = defaults[key];
  const bound = Math.min(positional.length, params.length);
  for (let i = 0; i < bound; i++) values[params[i]] = positional[i];
  for (const [key, value] of Object.entries(keywords)) {
    if (!params.includes(key)) {
      throw pythonError('TypeError', `${functionName}() got an unexpected keyword argument '${key}'`);
    }
    if (params.indexOf(key) < positional.length) {
      throw pythonError('TypeError', `${functionName}() got multiple values for argument '${key}'`);
    }
    values[key] = value;
  }
  return { values, extra: positional.slice(params.length) };
}
