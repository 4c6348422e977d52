import { ApiError } from '../errors/api-error';
import { CompletionRequest, CompletionResult, StopType } from '../llama/completion-types';
import { LLAMA_CPP_SAMPLING_EXTRAS } from '../openai/chat-completion-request.schema';
import { CompletionUsage, SamplingFields } from '../openai/chat-completion.types';

/**
 * Maps an OpenAI request's sampling fields onto llama-server's `/completion` body (per llama.cpp
 * tools/server/README.md): `max_completion_tokens`/`max_tokens` → `n_predict`, `temperature`,
 * `top_p`, `stop` (always an array), `seed`, penalties, `logit_bias`, the llama.cpp extras under
 * their own names, `cache_prompt: true` always, `grammar` (GBNF, see `StructuredOutputService`)
 * when the output is constrained, and `n_probs` when token log-probabilities are wanted (see
 * `nProbsFor`).
 *
 * @throws ApiError `unsupported_value` for `n` other than 1
 */
export function toCompletionRequest(
  request: SamplingFields & { max_completion_tokens?: number | null },
  prompt: string | number[],
  grammar?: string,
  nProbs?: number,
): CompletionRequest {
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    throw new ApiError('unsupported_value', 'Only n=1 is supported.', 'n');
  }
  const body: CompletionRequest = { prompt, cache_prompt: true };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) body.n_predict = maxTokens;
  copyDefined(request, body, ['temperature', 'top_p', 'seed', 'presence_penalty', 'frequency_penalty']);
  if (request.stop !== undefined && request.stop !== null) {
    body.stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  }
  if (request.logit_bias) body.logit_bias = request.logit_bias;
  copyDefined(request, body, LLAMA_CPP_SAMPLING_EXTRAS);
  if (grammar !== undefined) body.grammar = grammar;
  if (nProbs !== undefined) body.n_probs = nProbs;
  return body;
}

/**
 * llama-server's `n_probs` when `topCount` alternatives per token are wanted: at least 1, since
 * 0 reports nothing, not even the chosen token's log-probability. `undefined` when none are wanted.
 */
export function nProbsFor(topCount: number | undefined): number | undefined {
  return topCount === undefined ? undefined : Math.max(1, topCount);
}

/**
 * How many top alternatives per token a Chat Completions request wants (OpenAI `logprobs` and
 * `top_logprobs`): `undefined` without `logprobs: true`, else `top_logprobs` (default 0).
 *
 * @throws ApiError `invalid_value` for `top_logprobs` without `logprobs: true` (as OpenAI does)
 */
export function chatTopLogprobs(request: { logprobs?: boolean | null; top_logprobs?: number | null }):
  | number
  | undefined {
  const top = request.top_logprobs ?? undefined;
  if (!request.logprobs) {
    if (top !== undefined) {
      throw new ApiError('invalid_value', "'top_logprobs' requires 'logprobs' to be true.", 'top_logprobs');
    }
    return undefined;
  }
  return top ?? 0;
}

function copyDefined(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  keys: readonly string[],
): void {
  for (const key of keys) {
    if (from[key] !== undefined && from[key] !== null) to[key] = from[key];
  }
}

/** llama-server's `stop_type` (and context truncation) as an OpenAI `finish_reason`. */
export function finishReasonOf(stopType: StopType | undefined, truncated?: boolean): 'stop' | 'length' {
  return stopType === 'limit' || truncated ? 'length' : 'stop';
}

/**
 * OpenAI `CompletionUsage` from llama-server's counts: `tokens_evaluated` (prompt),
 * `tokens_predicted` (completion), `timings.cache_n` (prompt tokens reused from its cache).
 */
export function usageOf(result: CompletionResult): CompletionUsage {
  const prompt = result.tokens_evaluated ?? 0;
  const completion = result.tokens_predicted ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: result.timings?.cache_n ?? 0 },
  };
}
