import { ApiError } from '../errors/api-error';
import { finishReasonOf, toCompletionRequest } from './completion-params';

describe('OpenAI → /completion parameters', () => {
  const messages = [{ role: 'user' as const, content: 'hi' }];

  it('maps OpenAI fields and passes llama.cpp extras through under their own names', () => {
    expect(
      toCompletionRequest(
        {
          messages,
          max_tokens: 10,
          temperature: 0.5,
          top_p: 0.9,
          stop: 'END',
          seed: 7,
          presence_penalty: 0.1,
          frequency_penalty: 0.2,
          logit_bias: { '42': -100 },
          top_k: 5,
          min_p: 0.1,
          repeat_penalty: 1.1,
          user: 'not-forwarded',
        },
        'PROMPT',
      ),
    ).toEqual({
      prompt: 'PROMPT',
      cache_prompt: true,
      n_predict: 10,
      temperature: 0.5,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      logit_bias: { '42': -100 },
      top_k: 5,
      min_p: 0.1,
      repeat_penalty: 1.1,
    });
  });

  it('prefers max_completion_tokens and drops nulls', () => {
    expect(
      toCompletionRequest(
        { messages, max_tokens: 5, max_completion_tokens: 9, temperature: null, stop: null },
        'P',
      ),
    ).toEqual({ prompt: 'P', cache_prompt: true, n_predict: 9 });
  });

  it('refuses what it cannot honour instead of ignoring it', () => {
    expect(() => toCompletionRequest({ messages, n: 2 }, 'P')).toThrow(ApiError);
    expect(() => toCompletionRequest({ messages, logprobs: true }, 'P')).toThrow(/logprobs/);
    expect(toCompletionRequest({ messages, n: 1 }, 'P')).toEqual({ prompt: 'P', cache_prompt: true });
  });

  it('maps stop_type to finish_reason', () => {
    expect(finishReasonOf('eos')).toBe('stop');
    expect(finishReasonOf('word')).toBe('stop');
    expect(finishReasonOf('limit')).toBe('length');
    expect(finishReasonOf('eos', true)).toBe('length');
  });
});
