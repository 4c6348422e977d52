import { TokenProbability } from '../llama/completion-types';
import {
  newTextCompletionIdentity,
  TextChunkEncoder,
  toTextCompletionResponse,
  toTextLogprobs,
} from './completion.encoder';

const candidate = (token: string, logprob: number) => ({
  id: token.length,
  token,
  bytes: [...Buffer.from(token)],
  logprob,
});
const token = (text: string, logprob: number, top: Array<[string, number]>): TokenProbability => ({
  ...candidate(text, logprob),
  top_logprobs: top.map(([alternative, value]) => candidate(alternative, value)),
});

describe('(legacy) completion encoding', () => {
  const identity = { id: 'cmpl-1', created: 1700000000, model: 'm' };
  const usage = { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 };

  it('makes cmpl- ids', () => {
    expect(newTextCompletionIdentity('m').id).toMatch(/^cmpl-[0-9a-f]{32}$/);
  });

  it('encodes one choice per prompt', () => {
    expect(
      toTextCompletionResponse(identity, {
        choices: [
          { index: 0, text: 'a', finishReason: 'stop' },
          { index: 1, text: 'b', finishReason: 'length' },
        ],
        usage,
      }),
    ).toEqual({
      ...identity,
      object: 'text_completion',
      choices: [
        { index: 0, text: 'a', finish_reason: 'stop', logprobs: null },
        { index: 1, text: 'b', finish_reason: 'length', logprobs: null },
      ],
      usage,
    });
  });

  it('maps token probabilities to tokens, token_logprobs, top_logprobs and text_offset', () => {
    const tokens = [
      token('Hé', -0.1, [['Hé', -0.1], ['Ho', -2]]),
      token(' 🙂', -3, [[' x', -1]]),
      token('!', -0.5, []),
    ];
    expect(toTextLogprobs(tokens, 4)).toEqual({
      tokens: ['Hé', ' 🙂', '!'],
      token_logprobs: [-0.1, -3, -0.5],
      // the chosen token joins the alternatives when it is not among them
      top_logprobs: [{ Hé: -0.1, Ho: -2 }, { ' x': -1, ' 🙂': -3 }, { '!': -0.5 }],
      // code points, as OpenAI counts characters
      text_offset: [4, 6, 8],
    });
  });

  it('keeps the first (most likely) of two candidates with the same text', () => {
    expect(toTextLogprobs([token('a', -1, [['a', -1], ['a', -4]])], 0).top_logprobs).toEqual([{ a: -1 }]);
  });

  it('streams per-choice pieces with running offsets, a finish chunk, then usage when asked', () => {
    const encoder = new TextChunkEncoder(identity, true);
    const chunks = [
      ...encoder.encode({ type: 'text', index: 1, text: 'ab', logprobs: [token('ab', -1, [])] }),
      ...encoder.encode({ type: 'text', index: 0, text: 'x' }),
      ...encoder.encode({ type: 'text', index: 1, text: 'c', logprobs: [token('c', -2, [])] }),
      ...encoder.encode({ type: 'finish', index: 1, finishReason: 'length' }),
      ...encoder.encode({ type: 'done', usage }),
    ];
    expect(chunks.map((chunk) => chunk.choices[0] ?? null)).toEqual([
      expect.objectContaining({ index: 1, text: 'ab', finish_reason: null }),
      { index: 0, text: 'x', finish_reason: null, logprobs: null },
      expect.objectContaining({ index: 1, text: 'c', logprobs: expect.objectContaining({ text_offset: [2] }) }),
      { index: 1, text: '', finish_reason: 'length', logprobs: null },
      null,
    ]);
    expect(chunks.map((chunk) => chunk.usage)).toEqual([undefined, undefined, undefined, undefined, usage]);
    expect(new TextChunkEncoder(identity, false).encode({ type: 'done', usage })).toEqual([]);
  });
});
