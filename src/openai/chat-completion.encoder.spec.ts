import { ChatChunkEncoder, newCompletionIdentity, toChatCompletionResponse } from './chat-completion.encoder';

describe('chat completion encoding', () => {
  const identity = { id: 'chatcmpl-1', created: 1700000000, model: 'm' };
  const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

  it('makes chatcmpl- ids', () => {
    const fresh = newCompletionIdentity('m');
    expect(fresh.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(fresh.model).toBe('m');
  });

  it('encodes a finished result', () => {
    expect(toChatCompletionResponse(identity, { content: 'hi', finishReason: 'stop', usage })).toEqual({
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
      { role: 'assistant', content: '' },
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

  it('leaves usage out entirely without include_usage', () => {
    const encoder = new ChatChunkEncoder(identity, false);
    const chunks = encoder.encode({ type: 'done', finishReason: 'stop', usage });
    expect(chunks).toHaveLength(1);
    expect('usage' in chunks[0]).toBe(false);
  });
});
