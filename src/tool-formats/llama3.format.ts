import { answerOrCalls, escapeRegex, isLazy, selectTools, toolCallRule } from './grammar-helpers';
import { contentBefore, matchTokens, readJsonCall, skipWhitespace } from './json-scan';
import { GrammarTrigger, ParsedMessage, ParsedToolCall, ToolConstraints, ToolFormat } from './tool-format';

/**
 * Llama 3.1 / 3.2 / 3.3 markup, declared once for the grammar, the triggers and the parser: one
 * call per turn, `{"name": "NAME", "parameters": {…}}`, optionally after `<|python_tag|>` (the
 * templates render custom-tool calls this way, raise "This model only supports single tool-calls
 * at once!" for more). Whatever follows a call is ignored, such as `<|eom_id|>`, the
 * end-of-generation token that ends ipython turns.
 */
export const LLAMA3_MARKERS = {
  pythonTag: '<|python_tag|>',
  beforeName: '{"name": "',
  beforeArguments: '", "parameters": ',
  argumentsKey: 'parameters',
  afterArguments: '}',
} as const;

/**
 * The lazy-grammar trigger for a call that is the whole answer: `{"name": "` at its start (after
 * whitespace; the grammar starts at the brace). Calls after text follow `<|python_tag|>`, a word
 * trigger.
 */
export const LLAMA3_ANSWER_TRIGGER: GrammarTrigger = {
  type: 'pattern_full',
  value: `\\s*(${escapeRegex(LLAMA3_MARKERS.beforeName)})[\\s\\S]*`,
};

/** The JSON tokens that start a call, whitespace allowed between them (`{"name": "`). */
const CALL_START = ['{', '"name"', ':', '"'];

/** The call at `start` (after `<|python_tag|>` or at the start of the text). */
function parseCall(text: string, start: number, final: boolean): { call?: ParsedToolCall; truncatedCall: boolean } {
  const read = readJsonCall(text, start, LLAMA3_MARKERS.argumentsKey);
  if (read.state === 'done') return { call: read.call, truncatedCall: false };
  if (final) return { truncatedCall: true };
  return read.state === 'open' ? { call: read.call, truncatedCall: false } : { truncatedCall: false };
}

/**
 * Llama 3.1 / 3.2 / 3.3 JSON tool calls (llama.cpp "Llama 3.x"): the answer is either text or
 * one call; a call starts the answer, or follows `<|python_tag|>`. `parallel` is ignored: the
 * templates render a single call per turn.
 */
export const llama3Format: ToolFormat = {
  name: 'llama3',
  detect: (source) =>
    source.includes('<|start_header_id|>ipython<|end_header_id|>') &&
    source.includes(`"${LLAMA3_MARKERS.argumentsKey}": `),
  constraints(tools, choice, _parallel, builder, context): ToolConstraints {
    const m = LLAMA3_MARKERS;
    const call = toolCallRule(selectTools(tools, choice), builder, (tool, args) => [
      builder.literal(`${m.beforeName}${tool.name}${m.beforeArguments}`),
      args,
      builder.literal(m.afterArguments),
    ]);
    const lazy = isLazy(choice, context);
    const calls = `(${builder.literal(m.pythonTag)})? ${call}`;
    return {
      grammar: builder.build(answerOrCalls(`(${calls})`, choice, builder, context)),
      grammarLazy: lazy,
      grammarTriggers: lazy ? [{ type: 'word', value: m.pythonTag }, LLAMA3_ANSWER_TRIGGER] : [],
      preservedTokens: [m.pythonTag],
    };
  },
  parse(text, final): ParsedMessage {
    const m = LLAMA3_MARKERS;
    const start = skipWhitespace(text, 0);
    const leading = matchTokens(text, start, CALL_START);
    if (leading === 'partial' && !final) return { content: '', reasoning: '', toolCalls: [], truncatedCall: false };
    if (typeof leading === 'number') {
      const { call, truncatedCall } = parseCall(text, start, final);
      return { content: '', reasoning: '', toolCalls: call ? [call] : [], truncatedCall };
    }
    const { content, markerAt } = contentBefore(text, 0, m.pythonTag, final);
    if (markerAt < 0) return { content, reasoning: '', toolCalls: [], truncatedCall: false };
    const { call, truncatedCall } = parseCall(text, markerAt + m.pythonTag.length, final);
    return { content, reasoning: '', toolCalls: call ? [call] : [], truncatedCall };
  },
};
