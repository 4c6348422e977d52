/**
 * The Nunjucks environment standing in for transformers' chat-template environment
 * (`_compile_jinja_template` in transformers `chat_template_utils.py`: sandboxed Jinja2 with
 * `trim_blocks`, `lstrip_blocks`, autoescape off, `tojson`/`raise_exception`/`strftime_now`, the
 * `loopcontrols` extension and the `{% generation %}` tag). Built with Nunjucks' public API only
 * (filters, tests, globals, extensions); the syntax/semantics bridge lives in
 * `nunjucks-jinja-compiler.ts`.
 */
import * as nunjucks from 'nunjucks';
import { JINJA_FILTERS } from './jinja-filters';
import { createJinjaGlobals, JinjaGlobalsOptions } from './jinja-globals';
import { JINJA_TESTS } from './jinja-tests';
import { numericValue, PyFloat, Undefined } from './python-values';

/**
 * Nunjucks built-in filters kept as they are (their behaviour matches Jinja2's closely enough for
 * now); Undefined arguments reach them as JS `undefined` and integral floats as plain numbers
 * (see `withPlainValues`).
 */
const NUNJUCKS_FILTERS_KEPT = ['random', 'slice', 'striptags', 'urlencode', 'urlize'];

/** Jinja2 built-in filters this layer does not provide yet (named in compile errors). */
export const UNSUPPORTED_JINJA_FILTERS: ReadonlySet<string> = new Set(['filesizeformat', 'pprint', 'wordwrap', 'xmlattr']);

/** Names of the filters a template may use (Jinja2's, as available here). */
export const JINJA_FILTER_NAMES: ReadonlySet<string> = new Set([...Object.keys(JINJA_FILTERS), ...NUNJUCKS_FILTERS_KEPT]);

/** Jinja2's tests about the environment itself: `'trim' is filter`, `'defined' is test`. */
const ENVIRONMENT_TESTS: Record<string, (value: unknown) => boolean> = {
  filter: (value) => typeof value === 'string' && JINJA_FILTER_NAMES.has(value),
  test: (value) => typeof value === 'string' && JINJA_TEST_NAMES.has(value),
};

/** Names of the tests a template may use. */
export const JINJA_TEST_NAMES: ReadonlySet<string> = new Set([...Object.keys(JINJA_TESTS), ...Object.keys(ENVIRONMENT_TESTS)]);

/** transformers' `{% generation %}…{% endgeneration %}` (assistant-mask tracking): renders its body. */
class GenerationTag implements nunjucks.Extension {
  readonly tags = ['generation'];

  parse(parser: JinjaExtensionParser, nodes: { CallExtension: new (...args: unknown[]) => unknown }): unknown {
    const tag = parser.nextToken();
    parser.advanceAfterBlockEnd(tag.value);
    const body = parser.parseUntilBlocks('endgeneration');
    parser.advanceAfterBlockEnd();
    return new nodes.CallExtension(this, 'run', null, [body]);
  }

  run(_context: unknown, body: () => string): string {
    return body();
  }
}

/** The part of Nunjucks' (undocumented) parser API an extension uses. */
interface JinjaExtensionParser {
  nextToken(): { value: string };
  advanceAfterBlockEnd(name?: string): unknown;
  parseUntilBlocks(...names: string[]): unknown;
}

/** Adapts a Nunjucks filter: Undefined arguments become JS `undefined`, integral floats plain numbers. */
function withPlainValues(filter: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]) {
    return filter.apply(
      this,
      args.map((arg) => (arg instanceof Undefined ? undefined : arg instanceof PyFloat ? numericValue(arg) : arg)),
    );
  };
}

/** Options for {@link createJinjaEnvironment}. */
export type JinjaEnvironmentOptions = JinjaGlobalsOptions;

/** A fresh environment with Jinja2's/transformers' filters, tests, globals and tags. */
export function createJinjaEnvironment(options: JinjaEnvironmentOptions = {}): nunjucks.Environment {
  const env = new nunjucks.Environment([], {
    autoescape: false,
    trimBlocks: true,
    lstripBlocks: true,
    throwOnUndefined: false,
    dev: true,
  });
  for (const name of NUNJUCKS_FILTERS_KEPT) env.addFilter(name, withPlainValues(env.getFilter(name)));
  for (const [name, filter] of Object.entries(JINJA_FILTERS)) env.addFilter(name, filter);
  for (const [name, test] of Object.entries({ ...JINJA_TESTS, ...ENVIRONMENT_TESTS })) addTest(env, name, test);
  for (const [name, value] of Object.entries(createJinjaGlobals(options))) env.addGlobal(name, value);
  env.addExtension('generation', new GenerationTag());
  return env;
}

/** `Environment.addTest` exists in Nunjucks' public API but is missing from @types/nunjucks. */
function addTest(env: nunjucks.Environment, name: string, test: (...args: unknown[]) => boolean): void {
  (env as unknown as { addTest(name: string, test: (...args: unknown[]) => boolean): void }).addTest(name, test);
}
