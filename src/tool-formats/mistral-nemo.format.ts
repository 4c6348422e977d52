import { answerOrCalls, isLazy, oneOrMore, selectTools, toolCallRule } from './grammar-helpers';
import { contentBefore, readJsonCalls } from './json-scan';
import { ParsedMessage, ToolConstraints, ToolFormat } from './tool-format';

/**
 * Mistral Nemo markup, declared once for the grammar, the trigger and the parser, as the
 * Mistral-Nemo-Instruct-2407 template renders calls:
 * `[TOOL_CALLS][{"name": "NAME", "arguments": {…}, "id": "ID"}, …]`, where ID is 9 alphanumerics
 * (the template raises "Tool call IDs should be alphanumeric strings with length 9!").
 */
export const MISTRAL_NEMO_MARKERS = {
  toolCalls: '[TOOL_CALLS]',
  open: '[',
  beforeName: '{"name": "',
  beforeArguments: '", "arguments": ',
  argumentsKey: 'arguments',
  beforeId: ', "id": "',
  idKey: 'id',
  afterId: '"}',
  separator: ', ',
  close: ']',
} as const;

/** Length of a call id (alphanumerics). */
const ID_LENGTH = 9;

/** GBNF for the call id. */
const ID_RULE = `[a-zA-Z0-9]{${ID_LENGTH}}`;

/**
 * Mistral Nemo (llama.cpp "Mistral Nemo"): optional text, then `[TOOL_CALLS]` and a JSON array of
 * calls, each with the id the model gave it (`ParsedToolCall.id`).
 */
export const mistralNemoFormat: ToolFormat = {
  name: 'mistralNemo',
  toolCallIdLength: ID_LENGTH,
  detect: (source) =>
    source.includes(`${MISTRAL_NEMO_MARKERS.toolCalls}${MISTRAL_NEMO_MARKERS.open}`) && !source.includes('[ARGS]'),
  constraints(tools, choice, parallel, builder, context): ToolConstraints {
    const m = MISTRAL_NEMO_MARKERS;
    const id = builder.addRule('tool-call-id', ID_RULE);
    const call = toolCallRule(selectTools(tools, choice), builder, (tool, args) => [
      builder.literal(`${m.beforeName}${tool.name}${m.beforeArguments}`),
      args,
      builder.literal(m.beforeId),
      id,
      builder.literal(m.afterId),
    ]);
    const root = [
      builder.literal(`${m.toolCalls}${m.open}`),
      oneOrMore(call, m.separator, parallel, builder),
      builder.literal(m.close),
    ].join(' ');
    const lazy = isLazy(choice, context);
    return {
      grammar: builder.build(answerOrCalls(`(${root})`, choice, builder, context)),
      grammarLazy: lazy,
      grammarTriggers: lazy ? [{ type: 'word', value: m.toolCalls }] : [],
      preservedTokens: [m.toolCalls],
    };
  },
  parse(text, final): ParsedMessage {
    const m = MISTRAL_NEMO_MARKERS;
    const { content, markerAt } = contentBefore(text, 0, m.toolCalls, final);
    if (markerAt < 0) return { content, reasoning: '', toolCalls: [], truncatedCall: false };
    const calls = readJsonCalls(text, markerAt + m.toolCalls.length, final, m.argumentsKey, m.idKey);
    return { content, reasoning: '', ...calls };
  },
};
