import { join } from 'node:path';
import { Environment, FileSystemLoader } from 'nunjucks';
import { oneOrMore, selectTools, toolCallRule } from './grammar-helpers';
import { matchTokens, readJsonCalls, readJsonString, skipWhitespace } from './json-scan';
import { ParsedMessage, ToolConstraints, ToolFormat, ToolsPromptStyle } from './tool-format';

/**
 * The generic JSON envelope, declared once for the grammar, the parser and the prompt's examples:
 * the whole answer is `{"tool_calls": [{"name": "NAME", "arguments": {…}}, …]}` or
 * `{"response": "TEXT"}` (llama.cpp's "Generic" format, docs/function-calling.md; the plural
 * `tool_calls` array serves both parallel and single calls).
 */
export const GENERIC_MARKERS = {
  toolCallsKey: 'tool_calls',
  responseKey: 'response',
  beforeCalls: '{"tool_calls": [',
  beforeName: '{"name": "',
  beforeArguments: '", "arguments": ',
  argumentsKey: 'arguments',
  afterArguments: '}',
  separator: ', ',
  afterCalls: ']}',
  beforeResponse: '{"response": ',
  afterResponse: '}',
} as const;

/** Where the prompt templates live: `templates/generic-tools-<style>.njk` at the project root. */
export const GENERIC_TEMPLATES_DIR = join(__dirname, '..', '..', 'templates');

const templates = new Environment(new FileSystemLoader(GENERIC_TEMPLATES_DIR), {
  autoescape: false,
  throwOnUndefined: true,
  trimBlocks: true,
  lstripBlocks: true,
});

/** The answer shapes as the prompt shows them (placeholders in angle brackets). */
const EXAMPLES = {
  toolCalls: [
    GENERIC_MARKERS.beforeCalls,
    GENERIC_MARKERS.beforeName,
    '<tool name>',
    GENERIC_MARKERS.beforeArguments,
    '{<arguments>}',
    GENERIC_MARKERS.afterArguments,
    GENERIC_MARKERS.afterCalls,
  ].join(''),
  response: `${GENERIC_MARKERS.beforeResponse}"<your reply>"${GENERIC_MARKERS.afterResponse}`,
};

/** The characters of JSON's one-letter escapes (RFC 8259 §7). */
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes the JSON string whose opening quote is at `start` as far as the text goes; a trailing
 * incomplete escape (or a high surrogate whose low half is not there yet) waits for more text.
 */
function decodeStringPrefix(text: string, start: number): string {
  let value = '';
  let index = start + 1;
  while (index < text.length && text[index] !== '"') {
    if (text[index] !== '\\') {
      value += text[index++];
      continue;
    }
    const escape = text[index + 1];
    if (escape === undefined) break;
    if (escape !== 'u') {
      value += ESCAPES[escape] ?? escape;
      index += 2;
      continue;
    }
    const hex = /^[0-9a-fA-F]{4}/.exec(text.slice(index + 2, index + 6));
    if (!hex) break;
    const code = parseInt(hex[0], 16);
    if (code >= 0xd800 && code <= 0xdbff) {
      if (text.length < index + 12) break;
      const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(text.slice(index + 6, index + 12));
      if (low) {
        value += String.fromCharCode(code, parseInt(low[1], 16));
        index += 12;
        continue;
      }
    }
    value += String.fromCharCode(code);
    index += 6;
  }
  return value;
}

/** A message with only `content` (and a fresh, empty call list). */
const withContent = (content: string): ParsedMessage => ({
  content,
  reasoning: '',
  toolCalls: [],
  truncatedCall: false,
});

/**
 * The generic format, for templates no native format recognises: tools described in a system
 * prompt (`systemPrompt`) and a JSON envelope grammar constraining the whole answer, so `auto` is
 * not lazy: the model answers `{"response": …}` or `{"tool_calls": […]}`. Output that is not an
 * envelope (e.g. with tool_choice `none`) is plain content. `systemPrompt` throws nunjucks'
 * render error when `templates/generic-tools-<style>.njk` is missing or fails.
 */
export const genericFormat: ToolFormat = {
  name: 'generic',
  detect: () => true,
  constraints(tools, choice, parallel, builder, context): ToolConstraints {
    const m = GENERIC_MARKERS;
    const call = toolCallRule(selectTools(tools, choice), builder, (tool, args) => [
      builder.literal(`${m.beforeName}${tool.name}${m.beforeArguments}`),
      args,
      builder.literal(m.afterArguments),
    ]);
    const calls = oneOrMore(call, m.separator, parallel, builder);
    const toolCalls = builder.addRule(
      'tool-calls',
      `${builder.literal(m.beforeCalls)} ${calls} ${builder.literal(m.afterCalls)}`,
    );
    let root = toolCalls;
    if (choice.mode === 'auto' && context?.answerRule !== undefined) {
      root = `${toolCalls} | ${context.answerRule}`;
    } else if (choice.mode === 'auto') {
      const text = builder.addSchema({ type: 'string' }, 'response-text');
      const response = builder.addRule(
        'response',
        `${builder.literal(m.beforeResponse)} ${text} ${builder.literal(m.afterResponse)}`,
      );
      root = `${toolCalls} | ${response}`;
    }
    return { grammar: builder.build(root), grammarLazy: false, grammarTriggers: [], preservedTokens: [] };
  },
  parse(text, final): ParsedMessage {
    const m = GENERIC_MARKERS;
    const plain = withContent(text);
    const open = matchTokens(text, skipWhitespace(text, 0), ['{']);
    if (open === 'mismatch') return plain;
    const key = open === 'partial' ? open : readJsonString(text, open);
    if (key === 'partial') return final ? plain : withContent('');
    if (key === 'mismatch' || (key.value !== m.toolCallsKey && key.value !== m.responseKey)) return plain;
    const value = matchTokens(text, key.end, [':']);
    if (value === 'mismatch') return plain;
    if (key.value === m.toolCallsKey) {
      if (value === 'partial') return { ...withContent(''), truncatedCall: final };
      return { ...withContent(''), ...readJsonCalls(text, value, final, m.argumentsKey) };
    }
    const quote = value === 'partial' ? text.length : skipWhitespace(text, value);
    if (quote >= text.length) return withContent('');
    return text[quote] === '"' ? withContent(decodeStringPrefix(text, quote)) : plain;
  },
  systemPrompt(tools, style: ToolsPromptStyle): string {
    return templates.render(`generic-tools-${style}.njk`, { tools, examples: EXAMPLES });
  },
};
