import { FormatContext, ParsedMessage } from './tool-format';
import { ToolFormatName } from './index';

/** A recorded model output and the message it must parse to (final parse). */
export interface FormatSample {
  name: string;
  text: string;
  expected: ParsedMessage;
  /** The request context the output was generated in (e.g. a prompt ending inside `<think>`). */
  context?: FormatContext;
}

const message = (partial: Partial<ParsedMessage>): ParsedMessage => ({
  content: '',
  reasoning: '',
  toolCalls: [],
  truncatedCall: false,
  ...partial,
});

const weather = (args: string) => ({ name: 'get_weather', arguments: args });
const time = (args: string) => ({ name: 'get_time', arguments: args });

/** Qwen 3 / QwQ: a Hermes call in the think block is reasoning, never a call. */
const QWEN3_CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city":"Paris"}}\n</tool_call>';

/** DeepSeek R1 markup pieces (see DEEPSEEK_R1_MARKERS) and the distill templates' generation prompt. */
const R1 = {
  prompt: '<｜User｜>Weather in Paris?<｜Assistant｜><think>\n',
  begin: '<｜tool▁calls▁begin｜>',
  call: (name: string, args: string) =>
    `<｜tool▁call▁begin｜>function<｜tool▁sep｜>${name}\n\`\`\`json\n${args}\n\`\`\`<｜tool▁call▁end｜>`,
  end: '<｜tool▁calls▁end｜>',
};

/** Outputs in each format's own markup, as its grammar lets a model write them. */
export const FORMAT_SAMPLES: Record<ToolFormatName, FormatSample[]> = {
  hermes: [
    { name: 'plain text', text: 'Hello there, <b>friend</b>!', expected: message({ content: 'Hello there, <b>friend</b>!' }) },
    {
      name: 'one call',
      text: '<tool_call>\n{"name": "get_weather", "arguments": {"city":"Paris","unit":"celsius"}}\n</tool_call>',
      expected: message({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' }] }),
    },
    {
      name: 'text then parallel calls',
      text:
        'Let me check.\n<tool_call>\n{"name": "get_weather", "arguments": {"city":"Paris"}}\n</tool_call>\n' +
        '<tool_call>\n{"name": "get_time", "arguments": {"tz":"Europe/Paris","note":"a \\"}\\" b"}}\n</tool_call>',
      expected: message({
        content: 'Let me check.',
        toolCalls: [
          { name: 'get_weather', arguments: '{"city":"Paris"}' },
          { name: 'get_time', arguments: '{"tz":"Europe/Paris","note":"a \\"}\\" b"}' },
        ],
      }),
    },
    {
      name: 'call cut off by max_tokens',
      text: 'Sure.\n<tool_call>\n{"name": "get_weather", "arguments": {"city":"Par',
      expected: message({ content: 'Sure.', truncatedCall: true }),
    },
    {
      name: 'text with a lone "<" and trailing spaces',
      text: 'a < b and c <tool  \n',
      expected: message({ content: 'a < b and c <tool  \n' }),
    },
  ],
  qwen3: [
    { name: 'plain text', text: 'Hello there, <b>friend</b>!', expected: message({ content: 'Hello there, <b>friend</b>!' }) },
    {
      name: 'thinking then one call',
      text: `<think>\nI should call get_weather.\n</think>\n\n${QWEN3_CALL}`,
      expected: message({ reasoning: 'I should call get_weather.', toolCalls: [weather('{"city":"Paris"}')] }),
    },
    {
      name: 'a call inside the think block, then text and parallel calls',
      text:
        `<think>\nMaybe ${QWEN3_CALL} is wrong.\n</think>\n\nChecking.\n${QWEN3_CALL}\n` +
        '<tool_call>\n{"name": "get_time", "arguments": {"tz":"Europe/Paris"}}\n</tool_call>',
      expected: message({
        reasoning: `Maybe ${QWEN3_CALL} is wrong.`,
        content: 'Checking.',
        toolCalls: [weather('{"city":"Paris"}'), time('{"tz":"Europe/Paris"}')],
      }),
    },
    {
      name: 'call cut off by max_tokens',
      text: '<think>\nok\n</think>\n\n<tool_call>\n{"name": "get_weather", "arguments": {"city":"Par',
      expected: message({ reasoning: 'ok', truncatedCall: true }),
    },
    {
      name: 'text with partial think and call tags',
      text: '<thin and </think are not tags, nor is <tool_',
      expected: message({ content: '<thin and </think are not tags, nor is <tool_' }),
    },
    {
      name: 'think block cut off',
      text: '<think>\nStill weighing <tool_call> against </thi',
      expected: message({ reasoning: 'Still weighing <tool_call> against </thi' }),
    },
    {
      name: 'prompt that opened the think block (QwQ)',
      text: 'Two and two.\n</think>\n\nThe answer is 4.',
      context: { prompt: '<|im_start|>assistant\n<think>\n' },
      expected: message({ reasoning: 'Two and two.', content: 'The answer is 4.' }),
    },
  ],
  deepseekR1: [
    {
      name: 'plain text after thinking',
      text: 'Simple.\n</think>\n\nHello there!',
      context: { prompt: R1.prompt },
      expected: message({ reasoning: 'Simple.', content: 'Hello there!' }),
    },
    {
      name: 'one call',
      text: `Need the weather.\n</think>\n\n${R1.begin}${R1.call('get_weather', '{"city": "Paris"}')}${R1.end}`,
      context: { prompt: R1.prompt },
      expected: message({ reasoning: 'Need the weather.', toolCalls: [weather('{"city": "Paris"}')] }),
    },
    {
      name: 'call markup while thinking, then text and parallel calls',
      text:
        `Maybe ${R1.begin} now?\n</think>\n\nChecking.${R1.begin}${R1.call('get_weather', '{"city": "Paris"}')}\n` +
        `${R1.call('get_time', '{"tz": "Europe/Paris", "note": "```"}')}${R1.end}`,
      context: { prompt: R1.prompt },
      expected: message({
        reasoning: `Maybe ${R1.begin} now?`,
        content: 'Checking.',
        toolCalls: [weather('{"city": "Paris"}'), time('{"tz": "Europe/Paris", "note": "```"}')],
      }),
    },
    {
      name: 'call cut off by max_tokens',
      text: `Go.\n</think>\n\n${R1.begin}${R1.call('get_time', '{"tz": "UTC"}')}\n${R1.call('get_weather', '{"city": "Pa')}`,
      context: { prompt: R1.prompt },
      expected: message({ reasoning: 'Go.', truncatedCall: true, toolCalls: [time('{"tz": "UTC"}')] }),
    },
    {
      name: 'own think block, text with partial markup',
      text: '<think>\nshort\n</think>\n\nUse ``` fences and <｜tool',
      expected: message({ reasoning: 'short', content: 'Use ``` fences and <｜tool' }),
    },
  ],
  llama3: [
    {
      name: 'plain text starting with a brace',
      text: '{braces} first, then <|python_ta',
      expected: message({ content: '{braces} first, then <|python_ta' }),
    },
    {
      name: 'one call',
      text: '{"name": "get_weather", "parameters": {"city": "Paris", "unit": "celsius"}}',
      expected: message({ toolCalls: [weather('{"city": "Paris", "unit": "celsius"}')] }),
    },
    {
      name: 'text, then a call after <|python_tag|>',
      text: 'Let me look.<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}<|eom_id|>',
      expected: message({ content: 'Let me look.', toolCalls: [weather('{"city": "Paris"}')] }),
    },
    {
      name: 'call cut off by max_tokens',
      text: '{"name": "get_weather", "parameters": {"city": "Pa',
      expected: message({ truncatedCall: true }),
    },
    {
      name: 'the start of a call envelope only',
      text: ' {"nam',
      expected: message({ content: ' {"nam' }),
    },
  ],
  mistralNemo: [
    {
      name: 'plain text with brackets',
      text: 'Arrays like [1, 2] and [TOOL',
      expected: message({ content: 'Arrays like [1, 2] and [TOOL' }),
    },
    {
      name: 'one call',
      text: '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "a1B2c3D4e"}]',
      expected: message({ toolCalls: [{ ...weather('{"city": "Paris"}'), id: 'a1B2c3D4e' }] }),
    },
    {
      name: 'text then parallel calls',
      text:
        'Checking. [TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "a1B2c3D4e"}, ' +
        '{"name": "get_time", "arguments": {"tz": "]}"}, "id": "Zz9Yy8Xx7"}]',
      expected: message({
        content: 'Checking.',
        toolCalls: [
          { ...weather('{"city": "Paris"}'), id: 'a1B2c3D4e' },
          { ...time('{"tz": "]}"}'), id: 'Zz9Yy8Xx7' },
        ],
      }),
    },
    {
      name: 'call cut off in its id',
      text: '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "a1B2',
      expected: message({ truncatedCall: true }),
    },
  ],
  functionary: [
    {
      name: 'plain text',
      text: 'all\nHello there, a > b and c >> d!',
      expected: message({ content: 'Hello there, a > b and c >> d!' }),
    },
    {
      name: 'one call',
      text: 'get_weather\n{"city":"Paris","unit":"celsius"}',
      expected: message({ toolCalls: [weather('{"city":"Paris","unit":"celsius"}')] }),
    },
    {
      name: 'text then parallel calls',
      text: 'all\nLet me check.>>>get_weather\n{"city":"Paris"}>>>get_time\n{"tz":"Europe/Paris","note":"a >>> b"}',
      expected: message({
        content: 'Let me check.',
        toolCalls: [weather('{"city":"Paris"}'), time('{"tz":"Europe/Paris","note":"a >>> b"}')],
      }),
    },
    {
      name: 'call cut off by max_tokens',
      text: 'all\nSure.>>>get_weather\n{"city":"Par',
      expected: message({ content: 'Sure.', truncatedCall: true }),
    },
    {
      name: 'text with >>> that starts no segment',
      text: 'all\nUse >>> carefully, >>>not a call\nand >>',
      expected: message({ content: 'Use >>> carefully, >>>not a call\nand >>' }),
    },
    {
      name: 'text without a recipient',
      text: 'Hello\nworld>>>get_weather\n{}',
      expected: message({ content: 'Hello\nworld>>>get_weather\n{}' }),
    },
  ],
  generic: [
    { name: 'plain text', text: 'Hello {there}', expected: message({ content: 'Hello {there}' }) },
    {
      name: 'a response with escapes',
      text: '{"response": "Hi \\"you\\" \\u00e9\\ud83d\\ude00\\n\\\\ {\\"tool_calls\\": []}"}',
      expected: message({ content: 'Hi "you" é😀\n\\ {"tool_calls": []}' }),
    },
    {
      name: 'one call',
      text: '{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}',
      expected: message({ toolCalls: [weather('{"city": "Paris"}')] }),
    },
    {
      name: 'parallel calls',
      text:
        '{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}, ' +
        '{"name": "get_time", "arguments": {"tz": "Europe/Paris"}}]}',
      expected: message({ toolCalls: [weather('{"city": "Paris"}'), time('{"tz": "Europe/Paris"}')] }),
    },
    {
      name: 'call cut off by max_tokens',
      text: '{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Pa',
      expected: message({ truncatedCall: true }),
    },
    {
      name: 'the start of an envelope only',
      text: '{"tool',
      expected: message({ content: '{"tool' }),
    },
  ],
};
