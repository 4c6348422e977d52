import {
  ChatChunkEncoder,
  newCompletionIdentity,
  toChatCompletionResponse,
  toChatLogprobs,
} from './chat-completion.encoder';

describe('chat completion encoding', () => {
  const identity = { id: 'chatcmpl-1', created: 1700000000, model: 'm' };
  const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

  it('makes chatcmpl- ids', () => {
    const fresh = newCompletionIdentity('m');
    expect(fresh.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(fresh.model).toBe('m');
  });

  it('encodes a finished result', () => {
    expect(toChatCompletionResponse(identity, { content: 'hi', toolCalls: [], finishReason: 'stop', usage })).toEqual({
      ...identity,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'hi', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage,
    });
  });

  it('streams role first, content, finish, then usage with choices [] when asked', () => {
    const encoder = new ChatChunkEncoder(identity, true);
    const chunks = [
      encoder.start(),
      ...encoder.encode({ type: 'content', content: 'a' }),
      ...encoder.encode({ type: 'done', finishReason: 'length', usage }),
    ];
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: null },
      { content: 'a' },
      {},
      null,
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      null,
      'length',
      null,
    ]);
    expect(chunks.map((chunk) => chunk.usage)).toEqual([null, null, null, usage]);
  });

  it('puts tool calls and reasoning on the message only when there are any', () => {
    const response = toChatCompletionResponse(identity, {
      content: null,
      reasoning: 'think',
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }],
      finishReason: 'tool_calls',
      usage,
    });
    expect(response.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      reasoning_content: 'think',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
  });

  it('streams a tool call as OpenAI does: id, type and name first with empty arguments', () => {
    const encoder = new ChatChunkEncoder(identity, false);
    const deltas = [
      ...encoder.encode({ type: 'tool_call_start', index: 0, id: 'call_1', name: 'f' }),
      ...encoder.encode({ type: 'tool_call_arguments', index: 0, arguments: '{"a"' }),
      ...encoder.encode({ type: 'reasoning', reasoning: 'r' }),
    ].map((chunk) => chunk.choices[0].delta);
    expect(deltas).toEqual([
      { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] },
      { reasoning_content: 'r' },
    ]);
  });

  it('leaves usage out entirely without include_usage', () => {
    const encoder = new ChatChunkEncoder(identity, false);
    const chunks = encoder.encode({ type: 'done', finishReason: 'stop', usage });
    expect(chunks).toHaveLength(1);
    expect('usage' in chunks[0]).toBe(false);
  });
});

describe('chat logprobs encoding', () => {
  const identity = { id: 'chatcmpl-1', created: 1700000000, model: 'm' };
  const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
  const token = {
    id: 9,
    token: 'hi',
    bytes: [104, 105],
    logprob: -0.5,
    top_logprobs: [{ id: 9, token: 'hi', bytes: [104, 105], logprob: -0.5 }],
  };
  const expected = {
    content: [
      { token: 'hi', logprob: -0.5, bytes: [104, 105], top_logprobs: [{ token: 'hi', logprob: -0.5, bytes: [104, 105] }] },
    ],
    refusal: null,
  };

  it('maps llama-server token probabilities onto choices[].logprobs.content', () => {
    const response = toChatCompletionResponse(identity, {
      content: 'hi',
      toolCalls: [],
      finishReason: 'stop',
      usage,
      logprobs: [token],
    });
    expect(response.choices[0].logprobs).toEqual(expected);
    expect(toChatLogprobs([])).toEqual({ content: [], refusal: null });
  });

  it('streams logprobs with their content, or on an empty delta', () => {
    const encoder = new ChatChunkEncoder(identity, false);
    const [withContent] = encoder.encode({ type: 'content', content: 'hi', logprobs: [token] });
    const [alone] = encoder.encode({ type: 'logprobs', logprobs: [token] });
    expect(withContent.choices[0]).toEqual({ index: 0, delta: { content: 'hi' }, finish_reason: null, logprobs: expected });
    expect(alone.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: null, logprobs: expected });
  });
});
