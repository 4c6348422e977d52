import { answerOrCalls, escapeRegex, gbnfTextWithout, isLazy, oneOrMore, selectTools, toolCallRule } from './grammar-helpers';
import { hermesCallRule, HERMES_MARKERS, isHermesTemplate, parseHermesCalls } from './hermes.format';
import { CallRead, contentBefore, jsonValueEnd, matchLiteral, partialMarkerSuffix, skipWhitespace } from './json-scan';
import {
  GrammarBuilder,
  GrammarTrigger,
  ParsedMessage,
  ParsedToolCall,
  ToolConstraints,
  ToolFormat,
  ToolSpec,
} from './tool-format';

/**
 * The think block of reasoning models, `<think>…</think>` then a blank line (Qwen 3 / QwQ and
 * DeepSeek R1 chat templates; llama.cpp common/chat.cpp treats the same tags as reasoning).
 */
export const THINK_MARKERS = {
  open: '<think>',
  close: '</think>',
  afterClose: '\n\n',
} as const;

/**
 * True when `prompt` ends inside a think block (`<think>` and only whitespace after it), as the
 * DeepSeek R1 distill templates (`<｜Assistant｜><think>\n`) and QwQ with `enable_thinking` leave
 * it: the output then starts with reasoning and has no `<think>` of its own.
 */
export function promptOpensThink(prompt: string | undefined): boolean {
  return prompt !== undefined && prompt.trimEnd().endsWith(THINK_MARKERS.open);
}

/**
 * True when `prompt` ends right after a closed think block, as Qwen 3 leaves it with
 * `enable_thinking: false` (`<think>\n\n</think>\n\n`): the model was told not to think, so the
 * grammar allows no think block of its own.
 */
export function promptClosesThink(prompt: string | undefined): boolean {
  return prompt !== undefined && prompt.trimEnd().endsWith(THINK_MARKERS.close);
}

/**
 * A lazy-grammar trigger for tool_choice `auto` that fires at `marker` only outside the think
 * block: a `pattern_full` over everything generated so far (llama.cpp anchors it and starts the
 * grammar at the first capture, here the marker), as llama.cpp's Hermes 2 Pro and DeepSeek R1
 * handlers did. With `thinkOpen` the text must have passed `</think>`; otherwise it either starts
 * with a closed `<think>…</think>` or does not start with `<think>` at all.
 */
export function afterThinkTrigger(marker: string, thinkOpen: boolean): GrammarTrigger {
  const open = escapeRegex(THINK_MARKERS.open);
  const close = escapeRegex(THINK_MARKERS.close);
  const thinkBlock = thinkOpen ? `[\\s\\S]*?${close}` : `\\s*(?:${open}[\\s\\S]*?${close}|(?!\\s*${open}))`;
  return { type: 'pattern_full', value: `${thinkBlock}[\\s\\S]*?(${escapeRegex(marker)})[\\s\\S]*` };
}

/** Where the think block is in a text: its (possibly partial) reasoning and where the rest starts. */
interface ReasoningSplit {
  reasoning: string;
  /** Index of the text after the think block; absent while it is open or may still open. */
  rest?: number;
}

/**
 * Splits off a leading think block. While streaming, a possible start of `<think>` or `</think>`
 * and trailing whitespace are held back; `<tool_call>` and the like inside the block are reasoning.
 */
function splitReasoning(text: string, final: boolean, thinkOpen: boolean): ReasoningSplit {
  const m = THINK_MARKERS;
  let bodyStart = 0;
  if (!thinkOpen) {
    const opened = matchLiteral(text, skipWhitespace(text, 0), m.open);
    if (opened === 'mismatch' || (opened === 'partial' && final)) return { reasoning: '', rest: 0 };
    if (opened === 'partial') return { reasoning: '' };
    bodyStart = opened;
  }
  bodyStart = skipWhitespace(text, bodyStart);
  const close = text.indexOf(m.close, bodyStart);
  if (close >= 0) {
    return { reasoning: text.slice(bodyStart, close).trimEnd(), rest: skipWhitespace(text, close + m.close.length) };
  }
  const end = final ? text.length : text.length - partialMarkerSuffix(text, m.close);
  return { reasoning: text.slice(bodyStart, Math.max(bodyStart, end)).trimEnd() };
}

/** The tool-call markup that follows the think block in one reasoning format. */
interface CallMarkup {
  /** The text that starts the calls (the lazy grammar's trigger). */
  readonly start: string;
  /** Special tokens of the call markup. */
  readonly preservedTokens: readonly string[];
  /** Grammar rule for the calls of these tools (one, or with `parallel` one or more). */
  callsRule(tools: ToolSpec[], parallel: boolean, builder: GrammarBuilder): string;
  /** Content and calls from `from` on (see `parseHermesCalls`). */
  parse(text: string, from: number, final: boolean): Omit<ParsedMessage, 'reasoning'>;
}

function reasoningFormat(name: string, detect: (source: string) => boolean, calls: CallMarkup): ToolFormat {
  const m = THINK_MARKERS;
  return {
    name,
    detect,
    grammarKey: (context) =>
      JSON.stringify([promptOpensThink(context.prompt), promptClosesThink(context.prompt)]),
    constraints(tools, choice, parallel, builder, context): ToolConstraints {
      const thinkOpen = promptOpensThink(context?.prompt);
      const toolCalls = calls.callsRule(selectTools(tools, choice), parallel, builder);
      const callsRule = answerOrCalls(toolCalls, choice, builder, context);
      const lazy = isLazy(choice, context);
      let root = callsRule;
      if (!lazy && !promptClosesThink(context?.prompt)) {
        const thinkText = builder.addRule('think-text', gbnfTextWithout(m.close));
        const rest = `${thinkText} ${builder.literal(m.close + m.afterClose)}`;
        root = thinkOpen ? `${rest} ${callsRule}` : `(${builder.literal(m.open)} ${rest})? ${callsRule}`;
      }
      return {
        grammar: builder.build(root),
        grammarLazy: lazy,
        grammarTriggers: lazy ? [afterThinkTrigger(calls.start, thinkOpen)] : [],
        preservedTokens: [m.open, m.close, ...calls.preservedTokens],
      };
    },
    parse(text, final, context): ParsedMessage {
      const split = splitReasoning(text, final, promptOpensThink(context?.prompt));
      if (split.rest === undefined) {
        return { content: '', reasoning: split.reasoning, toolCalls: [], truncatedCall: false };
      }
      return { ...calls.parse(text, split.rest, final), reasoning: split.reasoning };
    },
  };
}

/**
 * Qwen 3 / QwQ (and other Hermes-call templates that think): `<think>…</think>` then Hermes
 * `<tool_call>` calls, separated by "\n" (Qwen-Qwen3-0.6B and Qwen-QwQ-32B templates).
 */
export const qwen3Format: ToolFormat = reasoningFormat(
  'qwen3',
  (source) => isHermesTemplate(source) && source.includes(THINK_MARKERS.close),
  {
    start: HERMES_MARKERS.open,
    preservedTokens: [HERMES_MARKERS.open, HERMES_MARKERS.close],
    callsRule: (tools, parallel, builder) =>
      oneOrMore(hermesCallRule(tools, builder), HERMES_MARKERS.separator, parallel, builder),
    parse: parseHermesCalls,
  },
);

/**
 * DeepSeek R1 call markup, declared once for the grammar, the trigger and the parser, as the
 * DeepSeek-R1-Distill templates render calls: `<｜tool▁calls▁begin｜>`, then per call
 * `<｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\nARGS\n```<｜tool▁call▁end｜>`
 * separated by "\n", then `<｜tool▁calls▁end｜>`.
 */
export const DEEPSEEK_R1_MARKERS = {
  callsBegin: '<｜tool▁calls▁begin｜>',
  callBegin: '<｜tool▁call▁begin｜>',
  /** The call `type`, always `function`, then the separator token. */
  beforeName: 'function<｜tool▁sep｜>',
  beforeArguments: '\n```json\n',
  afterArguments: '\n```',
  callEnd: '<｜tool▁call▁end｜>',
  separator: '\n',
  callsEnd: '<｜tool▁calls▁end｜>',
  /** The tool separator token on its own (a preserved token). */
  sep: '<｜tool▁sep｜>',
} as const;

function deepseekCallsRule(tools: ToolSpec[], parallel: boolean, builder: GrammarBuilder): string {
  const m = DEEPSEEK_R1_MARKERS;
  const call = toolCallRule(tools, builder, (tool, args) => [
    builder.literal(`${m.callBegin}${m.beforeName}${tool.name}${m.beforeArguments}`),
    args,
    builder.literal(`${m.afterArguments}${m.callEnd}`),
  ]);
  const calls = oneOrMore(call, m.separator, parallel, builder);
  return `${builder.literal(m.callsBegin)} ${calls} ${builder.literal(m.callsEnd)}`;
}

/** The DeepSeek R1 call at `start`. */
function readDeepseekCall(text: string, start: number): CallRead {
  const m = DEEPSEEK_R1_MARKERS;
  const nameStart = matchLiteral(text, start, `${m.callBegin}${m.beforeName}`);
  if (typeof nameStart !== 'number') return { state: 'unnamed' };
  const nameEnd = text.indexOf(m.beforeArguments, nameStart);
  if (nameEnd < 0) return { state: 'unnamed' };
  const argsStart = skipWhitespace(text, nameEnd + m.beforeArguments.length);
  const argsEnd = jsonValueEnd(text, argsStart);
  const call = { name: text.slice(nameStart, nameEnd), arguments: text.slice(argsStart, argsEnd ?? text.length) };
  const closing = `${m.afterArguments.trimStart()}${m.callEnd}`;
  const end = argsEnd === undefined ? 'partial' : matchLiteral(text, skipWhitespace(text, argsEnd), closing);
  return typeof end === 'number' ? { state: 'done', call, end } : { state: 'open', call };
}

/** DeepSeek R1 calls from `from` on: content before `<｜tool▁calls▁begin｜>`, then each call. */
function parseDeepseekCalls(text: string, from: number, final: boolean): Omit<ParsedMessage, 'reasoning'> {
  const m = DEEPSEEK_R1_MARKERS;
  const { content, markerAt } = contentBefore(text, from, m.callsBegin, final);
  const toolCalls: ParsedToolCall[] = [];
  if (markerAt < 0) return { content, toolCalls, truncatedCall: false };
  let truncatedCall = false;
  let cursor = skipWhitespace(text, markerAt + m.callsBegin.length);
  for (;;) {
    const read = readDeepseekCall(text, cursor);
    if (read.state !== 'done') {
      if (final) truncatedCall = true;
      else if (read.state === 'open') toolCalls.push(read.call);
      break;
    }
    toolCalls.push(read.call);
    cursor = skipWhitespace(text, read.end);
    if (!text.startsWith(m.callBegin, cursor)) break;
  }
  return { content, toolCalls, truncatedCall };
}

/**
 * DeepSeek R1 (and its Qwen / Llama distills): `<think>…</think>` then
 * `<｜tool▁calls▁begin｜>…<｜tool▁calls▁end｜>` (llama.cpp "DeepSeek R1" format; the distill
 * templates' prompts end inside the think block, see `FormatContext.prompt`).
 */
export const deepseekR1Format: ToolFormat = reasoningFormat(
  'deepseekR1',
  (source) =>
    source.includes(DEEPSEEK_R1_MARKERS.callsBegin) &&
    source.includes(DEEPSEEK_R1_MARKERS.sep) &&
    source.includes('```json'),
  {
    start: DEEPSEEK_R1_MARKERS.callsBegin,
    preservedTokens: [
      DEEPSEEK_R1_MARKERS.callsBegin,
      DEEPSEEK_R1_MARKERS.callBegin,
      DEEPSEEK_R1_MARKERS.sep,
      DEEPSEEK_R1_MARKERS.callEnd,
      DEEPSEEK_R1_MARKERS.callsEnd,
    ],
    callsRule: deepseekCallsRule,
    parse: parseDeepseekCalls,
  },
);
