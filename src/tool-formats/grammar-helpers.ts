import { FormatContext, GrammarBuilder, ToolChoice, ToolSpec } from './tool-format';

/** The tools a choice allows: the named one, or all of them. */
export function selectTools(tools: ToolSpec[], choice: Exclude<ToolChoice, { mode: 'none' }>): ToolSpec[] {
  return choice.mode === 'named' ? tools.filter((tool) => tool.name === choice.name) : tools;
}

/** The rule matching a tool's arguments: its `parameters`, strict when the tool says so. */
export function argumentsRule(tool: ToolSpec, builder: GrammarBuilder): string {
  return builder.addSchema(tool.parameters, `${tool.name}-args`, { additionalPropertiesDefault: !tool.strict });
}

/**
 * The rule matching one call of any of `tools` (named `tool-call`): one rule per tool, the GBNF
 * elements `sequence` makes from the tool and the rule of its arguments' JSON Schema.
 */
export function toolCallRule(
  tools: ToolSpec[],
  builder: GrammarBuilder,
  sequence: (tool: ToolSpec, args: string) => string[],
): string {
  const alternatives = tools.map((tool, index) =>
    builder.addRule(`call-${index}`, sequence(tool, argumentsRule(tool, builder)).join(' ')),
  );
  return builder.addRule('tool-call', alternatives.join(' | '));
}

/**
 * True when a choice's grammar engages only at the format's trigger: `auto`, unless the answer is
 * constrained too (`context.answerRule`), which needs the grammar from the first token.
 */
export function isLazy(choice: Exclude<ToolChoice, { mode: 'none' }>, context?: FormatContext): boolean {
  return choice.mode === 'auto' && context?.answerRule === undefined;
}

/**
 * The GBNF alternatives for an output that is either the constrained answer (`context.answerRule`,
 * after `answerPrefix` markup) or `calls`, when the choice is `auto`; otherwise just `calls`.
 */
export function answerOrCalls(
  calls: string,
  choice: Exclude<ToolChoice, { mode: 'none' }>,
  builder: GrammarBuilder,
  context?: FormatContext,
  answerPrefix = '',
): string {
  if (choice.mode !== 'auto' || context?.answerRule === undefined) return calls;
  const answer = answerPrefix ? `${builder.literal(answerPrefix)} ${context.answerRule}` : context.answerRule;
  return `(${answer} | ${calls})`;
}

/** GBNF for one `item`, or with `parallel` one or more separated by `separator` (a literal text). */
export function oneOrMore(item: string, separator: string, parallel: boolean, builder: GrammarBuilder): string {
  return parallel ? `${item} (${builder.literal(separator)} ${item})*` : item;
}

/**
 * `text` escaped for a regular expression (ECMAScript, as llama.cpp's std::regex triggers use),
 * line breaks and tabs as `\n`, `\r`, `\t`.
 */
export function escapeRegex(text: string): string {
  return text
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
}

/** One character as it may appear inside a GBNF string literal or character class. */
function gbnfChar(char: string): string {
  if (/^[A-Za-z0-9 <>/!#$%&'()*+,.:;=?@_`{|}~]$/.test(char)) return char;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/**
 * A GBNF expression matching any text that does not contain `marker` — e.g. the thinking text
 * before `</think>` — and may end with a proper prefix of it (so that `expr "</think>"` accepts
 * `a </th</think>`). Built from the marker's matching automaton: a run that starts with the
 * marker's first character either resets on that character, leaves the marker on any other
 * character, or is still open at the end.
 *
 * @throws Error when the marker's first character occurs again in it (the automaton would need
 *   more states than this construction has); `</think>` and the like are fine
 */
export function gbnfTextWithout(marker: string): string {
  const chars = Array.from(marker);
  const [first, ...rest] = chars;
  if (first === undefined || rest.includes(first)) {
    throw new Error(`cannot build a GBNF exclusion for '${marker}': its first character must not repeat`);
  }
  if (rest.length === 0) return `[^${gbnfChar(first)}]*`;
  const literal = (char: string) => `"${gbnfChar(char)}"`;
  const notEither = (char: string) => `[^${gbnfChar(char)}${gbnfChar(first)}]`;
  const inner = rest.slice(0, -1);
  const anyPrefix = inner.reduceRight((tail, char) => `(${literal(char)}${tail ? ` ${tail}` : ''})?`, '');
  const exit = rest.reduceRight(
    (tail, char) => (tail ? `(${notEither(char)} | ${literal(char)} ${tail})` : notEither(char)),
    '',
  );
  const restart = `(${anyPrefix ? `${anyPrefix} ` : ''}${literal(first)})*`;
  const openRun = `${literal(first)} ${restart}${anyPrefix ? ` ${anyPrefix}` : ''}`;
  return `([^${gbnfChar(first)}] | ${literal(first)} ${restart} ${exit})* (${openRun})?`;
}
