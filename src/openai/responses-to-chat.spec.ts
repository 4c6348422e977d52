import { NO_PARAMETERS } from '../chat/tool-parameters';
import { ApiError } from '../errors/api-error';
import { ResponseOutputItem, ResponseRequest } from './response.types';
import { toChatRequest } from './responses-to-chat';

describe('a Responses request as a chat request', () => {
  const stored: Record<string, ResponseOutputItem> = {
    msg_1: {
      type: 'message',
      id: 'msg_1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Let me look.', annotations: [], logprobs: [] }],
    },
    fc_1: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f', arguments: '{"a":1}', status: 'completed' },
    rs_1: { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'hmm' }], status: 'completed' },
  };
  const convert = (request: ResponseRequest) => toChatRequest(request, (id) => stored[id]);

  it('puts instructions first as a system message, and a string input as the user message', () => {
    expect(convert({ input: 'hi', instructions: 'Be brief.' }).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('reads messages with or without type, their text parts, and every role', () => {
    const { messages } = convert({
      input: [
        { role: 'developer', content: 'rules' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'a' }, { type: 'input_text', text: 'b' }] },
        { role: 'assistant', content: [{ type: 'output_text', text: 'c', annotations: [] }] },
      ],
    });
    expect(messages).toEqual([
      { role: 'developer', content: 'rules' },
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }] },
    ]);
  });

  it('joins function calls to the assistant turn before them, and outputs become tool messages', () => {
    const { messages } = convert({
      input: [
        { role: 'user', content: 'x' },
        { type: 'item_reference', id: 'msg_1' },
        { type: 'item_reference', id: 'rs_1' },
        { type: 'item_reference', id: 'fc_1' },
        { type: 'function_call', call_id: 'call_2', name: 'g', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: '{"t":20}' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'ok' }] },
        { type: 'function_call', call_id: 'call_3', name: 'g', arguments: '{}' },
      ],
    });
    expect(messages).toEqual([
      { role: 'user', content: 'x' },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Let me look.' }],
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"t":20}' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'ok' }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'g', arguments: '{}' } }],
      },
    ]);
  });

  it('maps tools, tool_choice, text.format, max_output_tokens, keeps sampling fields and drops others', () => {
    const chat = convert({
      input: 'x',
      tools: [
        { type: 'function', name: 'f', description: 'does f', parameters: { type: 'object' }, strict: true },
        { type: 'function', name: 'g', description: null, parameters: null, strict: null },
      ],
      tool_choice: { type: 'function', name: 'g' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      max_output_tokens: 50,
      temperature: 0.5,
      top_p: 0.9,
      seed: 7,
      top_k: 20,
      stream: true,
      store: false,
      metadata: { a: 'b' },
      user: 'u',
      reasoning: { effort: 'low' },
      truncation: 'disabled',
    });
    expect(chat).toEqual({
      messages: [{ role: 'user', content: 'x' }],
      tools: [
        { type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object' }, strict: true } },
        { type: 'function', function: { name: 'g', parameters: NO_PARAMETERS } },
      ],
      tool_choice: { type: 'function', function: { name: 'g' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      max_completion_tokens: 50,
      temperature: 0.5,
      top_p: 0.9,
      seed: 7,
      top_k: 20,
      stream: true,
    });
    expect(convert({ input: 'x', text: { format: { type: 'json_object' } } }).response_format).toEqual({ type: 'json_object' });
    expect(convert({ input: 'x', stop: ['\n'], logit_bias: { '7': -100 }, messages: 5, grammar: 7 })).toEqual({
      messages: [{ role: 'user', content: 'x' }],
      stop: ['\n'],
      logit_bias: { '7': -100 },
    });
    expect(convert({ input: 'x', tool_choice: 'required' }).tool_choice).toBe('required');
  });

  it.each<[string, ResponseRequest, string, string]>([
    ['a stored conversation', { input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id', 'unsupported_value'],
    ['a conversation object', { input: 'x', conversation: 'conv_1' }, 'conversation', 'unsupported_value'],
    ['background', { input: 'x', background: true }, 'background', 'unsupported_value'],
    ['a prompt template', { input: 'x', prompt: { id: 'pmpt_1' } }, 'prompt', 'unsupported_value'],
    ['logprobs', { input: 'x', top_logprobs: 2 }, 'top_logprobs', 'unsupported_value'],
    ['an include', { input: 'x', include: ['reasoning.encrypted_content', 'file_search_call.results'] }, 'include[1]', 'unsupported_value'],
    ['a hosted tool', { input: 'x', tools: [{ type: 'web_search' } as never] }, 'tools[0].type', 'unsupported_value'],
    ['allowed_tools', { input: 'x', tool_choice: { type: 'allowed_tools' } as never }, 'tool_choice', 'unsupported_value'],
    [
      'an image',
      { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:,' }] }] },
      'input[0].content[0].type',
      'unsupported_value',
    ],
    [
      'parameters that are no object schema',
      { input: 'x', tools: [{ type: 'function', name: 'f', parameters: { type: 'string' } }] },
      'tools[0].parameters',
      'invalid_value',
    ],
    ['an unknown item id', { input: [{ type: 'item_reference', id: 'msg_gone' }] }, 'input[0].id', 'invalid_value'],
    [
      'call arguments that are not JSON',
      { input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{"a":' }] },
      'input[0].arguments',
      'invalid_value',
    ],
  ])('refuses %s with 400 naming the field', (_, request, param, code) => {
    expect(() => convert(request)).toThrow(
      expect.objectContaining({ param, code, status: 400 }) as unknown as ApiError,
    );
  });
});
