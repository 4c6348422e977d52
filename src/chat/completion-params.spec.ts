import { ApiError } from '../errors/api-error';
import { chatTopLogprobs, finishReasonOf, nProbsFor, toCompletionRequest, usageOf } from './completion-params';

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
    expect(toCompletionRequest({ messages, n: 1 }, 'P')).toEqual({ prompt: 'P', cache_prompt: true });
  });

  it('sends token prompts, grammars and n_probs as given', () => {
    expect(toCompletionRequest({ max_tokens: 3 }, [1, 2], 'root ::= "a"', 2)).toEqual({
      prompt: [1, 2],
      cache_prompt: true,
      n_predict: 3,
      grammar: 'root ::= "a"',
      n_probs: 2,
    });
  });

  it('asks llama-server for at least one candidate when log-probabilities are wanted', () => {
    expect(nProbsFor(undefined)).toBeUndefined();
    expect(nProbsFor(0)).toBe(1);
    expect(nProbsFor(5)).toBe(5);
  });

  it('reads chat logprobs and top_logprobs as OpenAI does', () => {
    expect(chatTopLogprobs({})).toBeUndefined();
    expect(chatTopLogprobs({ logprobs: false })).toBeUndefined();
    expect(chatTopLogprobs({ logprobs: true })).toBe(0);
    expect(chatTopLogprobs({ logprobs: true, top_logprobs: 3 })).toBe(3);
    expect(() => chatTopLogprobs({ top_logprobs: 3 })).toThrow(/requires 'logprobs'/);
  });

  it('takes usage from llama-server counts', () => {
    expect(
      usageOf({ content: '', stop: true, tokens_evaluated: 7, tokens_predicted: 3, timings: { cache_n: 4 } }),
    ).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, prompt_tokens_details: { cached_tokens: 4 } });
  });

  it('maps stop_type to finish_reason', () => {
    expect(finishReasonOf('eos')).toBe('stop');
    expect(finishReasonOf('word')).toBe('stop');
    expect(finishReasonOf('limit')).toBe('length');
    expect(finishReasonOf('eos', true)).toBe('length');
  });
});
