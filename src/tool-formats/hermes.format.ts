import { answerOrCalls, argumentsRule, isLazy, oneOrMore, selectTools } from './grammar-helpers';
import { jsonValueEnd, partialMarkerSuffix, skipWhitespace } from './json-scan';
import {
  GrammarBuilder,
  ParsedMessage,
  ParsedToolCall,
  ToolConstraints,
  ToolFormat,
  ToolSpec,
} from './tool-format';

/**
 * Hermes 2 Pro / Qwen 2.5 markup, declared once for the grammar, the triggers and the parser:
 * `<tool_call>\n{"name": "NAME", "arguments": {…}}\n</tool_call>`, calls separated by "\n"
 * (per the Qwen2.5 and Hermes-2-Pro tool_use chat templates; llama.cpp docs/function-calling.md).
 */
export const HERMES_MARKERS = {
  open: '<tool_call>',
  close: '</tool_call>',
  beforeName: '\n{"name": "',
  beforeArguments: '", "arguments": ',
  afterArguments: '}\n',
  separator: '\n',
} as const;

/**
 * True when a template writes Hermes calls: `<tool_call>` around a JSON object with `"arguments"`
 * (also as `\"arguments\"` inside a Jinja string), and none of the XML call syntaxes other models
 * put inside the same tag (Qwen3-Coder `<function=`, GLM `<arg_key>`, MiniMax `<invoke`).
 */
export function isHermesTemplate(source: string): boolean {
  return (
    source.includes(HERMES_MARKERS.open) &&
    /\\?"arguments\\?"\s*:/.test(source) &&
    !/<function=|<arg_key>|<invoke/.test(source)
  );
}

const ENVELOPE = /^\s*\{\s*"name"\s*:\s*"([^"]*)"\s*,\s*"arguments"\s*:/;
/** An envelope whose name is complete but whose `"arguments":` has not arrived yet (streaming). */
const NAMED = /^\s*\{\s*"name"\s*:\s*"([^"]*)"/;

/** Grammar rules for one call of each tool, `<tool_call>…</tool_call>`; returns the call rule. */
export function hermesCallRule(tools: ToolSpec[], builder: GrammarBuilder): string {
  const m = HERMES_MARKERS;
  const alternatives = tools.map((tool, index) => {
    const args = argumentsRule(tool, builder);
    return builder.addRule(
      `call-${index}`,
      [
        builder.literal(`${m.open}${m.beforeName}${tool.name}${m.beforeArguments}`),
        args,
        builder.literal(`${m.afterArguments}${m.close}`),
      ].join(' '),
    );
  });
  return builder.addRule('tool-call', alternatives.join(' | '));
}

/**
 * Parses Hermes calls out of `text` starting at `from`: visible content before the first
 * `<tool_call>` (trailing whitespace is held back while streaming, and dropped before a call),
 * then each call's name (while streaming, as soon as its closing quote arrives) and (possibly
 * partial) arguments text.
 */
export function parseHermesCalls(text: string, from: number, final: boolean): Omit<ParsedMessage, 'reasoning'> {
  const m = HERMES_MARKERS;
  const open = text.indexOf(m.open, from);
  if (open < 0) {
    if (final) return { content: text.slice(from), toolCalls: [], truncatedCall: false };
    const visible = text.slice(from, text.length - partialMarkerSuffix(text, m.open));
    return { content: visible.trimEnd(), toolCalls: [], truncatedCall: false };
  }
  const toolCalls: ParsedToolCall[] = [];
  let cursor = open;
  let truncatedCall = false;
  while (cursor >= 0 && text.startsWith(m.open, cursor)) {
    const rest = text.slice(cursor + m.open.length);
    const envelope = ENVELOPE.exec(rest);
    if (!envelope) {
      const named = final ? null : NAMED.exec(rest);
      // the name streams as soon as it is complete, its arguments once they start
      if (named) toolCalls.push({ name: named[1], arguments: '' });
      truncatedCall = final;
      break;
    }
    const argsStart = skipWhitespace(text, cursor + m.open.length + envelope[0].length);
    const argsEnd = jsonValueEnd(text, argsStart);
    toolCalls.push({ name: envelope[1], arguments: text.slice(argsStart, argsEnd ?? text.length) });
    const close = argsEnd === undefined ? -1 : text.indexOf(m.close, argsEnd);
    if (close < 0) {
      if (final) {
        toolCalls.pop();
        truncatedCall = true;
      }
      break;
    }
    cursor = skipWhitespace(text, close + m.close.length);
  }
  return { content: text.slice(from, open).trimEnd(), toolCalls, truncatedCall };
}

/** Hermes 2 Pro / Qwen 2.5 / QwQ: `<tool_call>` JSON envelopes (llama.cpp "Hermes 2 Pro"). */
export const hermesFormat: ToolFormat = {
  name: 'hermes',
  detect: isHermesTemplate,
  constraints(tools, choice, parallel, builder, context): ToolConstraints {
    const call = hermesCallRule(selectTools(tools, choice), builder);
    const calls = oneOrMore(call, HERMES_MARKERS.separator, parallel, builder);
    const lazy = isLazy(choice, context);
    return {
      grammar: builder.build(answerOrCalls(calls, choice, builder, context)),
      grammarLazy: lazy,
      grammarTriggers: lazy ? [{ type: 'word', value: HERMES_MARKERS.open }] : [],
      preservedTokens: [HERMES_MARKERS.open, HERMES_MARKERS.close],
    };
  },
  parse: (text, final) => ({ ...parseHermesCalls(text, 0, final), reasoning: '' }),
};
