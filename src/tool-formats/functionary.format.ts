import { answerOrCalls, escapeRegex, isLazy, oneOrMore, selectTools, toolCallRule } from './grammar-helpers';
import { jsonValueEnd, partialMarkerSuffix, skipWhitespace } from './json-scan';
import { GrammarTrigger, ParsedMessage, ParsedToolCall, ToolConstraints, ToolFormat } from './tool-format';

/**
 * Functionary v3.2 markup, declared once for the grammar, the trigger and the parser: the answer is
 * a run of `>>>RECIPIENT\nBODY` segments, text for recipient `all` and JSON arguments for a
 * function (meetkai-functionary-medium-v3.2 template). The generation prompt already ends with the
 * first `>>>`, so the output starts with a recipient.
 */
export const FUNCTIONARY_MARKERS = {
  segment: '>>>',
  text: 'all',
  afterRecipient: '\n',
} as const;

/** A recipient: a tool name (OpenAI allows `[a-zA-Z0-9_-]`) or `all`. */
const RECIPIENT = /[A-Za-z0-9_.-]*/y;

/** What starts at a segment's recipient: text, a call (its arguments start with `{`), or neither. */
type Segment =
  | { kind: 'text'; bodyStart: number }
  | { kind: 'call'; name: string; bodyStart: number }
  | { kind: 'partial' }
  | { kind: 'none' };

function readSegment(text: string, start: number): Segment {
  const m = FUNCTIONARY_MARKERS;
  RECIPIENT.lastIndex = start;
  const name = RECIPIENT.exec(text)?.[0] ?? '';
  const newline = start + name.length;
  if (newline >= text.length) return { kind: 'partial' };
  if (name === '' || text[newline] !== m.afterRecipient) return { kind: 'none' };
  if (name === m.text) return { kind: 'text', bodyStart: newline + 1 };
  if (newline + 1 >= text.length) return { kind: 'partial' };
  return text[newline + 1] === '{' ? { kind: 'call', name, bodyStart: newline + 1 } : { kind: 'none' };
}

/**
 * The lazy-grammar trigger for tool_choice `auto`: a `pattern_full` that fires when a call to one
 * of `names` starts, either the whole answer (`NAME\n`; the grammar starts at the beginning) or
 * after `all\n` text (`…>>>NAME\n`; the grammar starts at that `>>>`). llama.cpp's own trigger,
 * `>>>(?!all)`, misses a first-segment call, whose `>>>` is in the prompt.
 */
export function functionaryTrigger(names: string[]): GrammarTrigger {
  const m = FUNCTIONARY_MARKERS;
  const afterText = `${escapeRegex(m.text + m.afterRecipient)}[\\s\\S]*?(${escapeRegex(m.segment)})`;
  const name = `(?:${names.map(escapeRegex).join('|')})${escapeRegex(m.afterRecipient)}`;
  return { type: 'pattern_full', value: `(?:${afterText})?${name}[\\s\\S]*` };
}

/**
 * Functionary v3.2 (llama.cpp common/parsers/functionary-v3-2.cpp): `all\n` text and
 * `NAME\n{…}` calls, segments joined by `>>>`. Text before the first call is the content; text
 * that does not start with a recipient is plain content, `>>>` and all.
 */
export const functionaryFormat: ToolFormat = {
  name: 'functionary',
  detect: (source) => source.includes('>>>all') && source.includes('>>>${recipient}'),
  constraints(tools, choice, parallel, builder, context): ToolConstraints {
    const m = FUNCTIONARY_MARKERS;
    const selected = selectTools(tools, choice);
    const call = toolCallRule(selected, builder, (tool, args) => [
      builder.literal(`${tool.name}${m.afterRecipient}`),
      args,
    ]);
    const calls = oneOrMore(call, m.segment, parallel, builder);
    const lazy = isLazy(choice, context);
    const root = lazy
      ? `(${builder.literal(m.segment)})? ${calls}`
      : answerOrCalls(calls, choice, builder, context, m.text + m.afterRecipient);
    return {
      grammar: builder.build(root),
      grammarLazy: lazy,
      grammarTriggers: lazy ? [functionaryTrigger(selected.map((tool) => tool.name))] : [],
      preservedTokens: [m.segment + m.text],
    };
  },
  parse(text, final): ParsedMessage {
    const m = FUNCTIONARY_MARKERS;
    const toolCalls: ParsedToolCall[] = [];
    let content = '';
    let truncatedCall = false;
    const first = readSegment(text, 0);
    if (first.kind === 'partial' && !final) return { content, reasoning: '', toolCalls, truncatedCall };
    if (first.kind === 'partial' || first.kind === 'none') {
      return { content: text, reasoning: '', toolCalls, truncatedCall };
    }
    let segment: Segment = first;
    while (segment.kind === 'text' || segment.kind === 'call') {
      let next: Segment = { kind: 'none' };
      if (segment.kind === 'text') {
        let search = segment.bodyStart;
        let boundary = text.indexOf(m.segment, search);
        while (boundary >= 0) {
          next = readSegment(text, boundary + m.segment.length);
          if (next.kind === 'text' || next.kind === 'call' || (next.kind === 'partial' && !final)) break;
          search = boundary + m.segment.length;
          boundary = text.indexOf(m.segment, search);
        }
        const end = boundary >= 0 ? boundary : final ? text.length : text.length - partialMarkerSuffix(text, m.segment);
        content += text.slice(segment.bodyStart, Math.max(segment.bodyStart, end));
      } else {
        const argsEnd = jsonValueEnd(text, segment.bodyStart);
        if (argsEnd === undefined) {
          if (final) truncatedCall = true;
          else toolCalls.push({ name: segment.name, arguments: text.slice(segment.bodyStart) });
          break;
        }
        toolCalls.push({ name: segment.name, arguments: text.slice(segment.bodyStart, argsEnd) });
        const after = skipWhitespace(text, argsEnd);
        if (after < text.length) {
          const header: Segment = text.startsWith(m.segment, after)
            ? readSegment(text, after + m.segment.length)
            : { kind: 'none' };
          const known = header.kind === 'text' || header.kind === 'call' || (header.kind === 'partial' && !final);
          next = known ? header : { kind: 'text', bodyStart: after };
        }
      }
      segment = next;
    }
    return { content, reasoning: '', toolCalls, truncatedCall };
  },
};
