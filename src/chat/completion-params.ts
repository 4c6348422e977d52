import { ApiError } from '../errors/api-error';
import { CompletionRequest, StopType } from '../llama/completion-types';
import { LLAMA_CPP_SAMPLING_EXTRAS } from '../openai/chat-completion-request.schema';
import { ChatCompletionRequest, FinishReason } from '../openai/chat-completion.types';

/**
 * Maps an OpenAI chat request's sampling fields onto llama-server's `/completion` body (per
 * llama.cpp tools/server/README.md): `max_completion_tokens`/`max_tokens` → `n_predict`,
 * `temperature`, `top_p`, `stop` (always an array), `seed`, penalties, `logit_bias`, the llama.cpp
 * extras under their own names, `cache_prompt: true` always, and `grammar` (GBNF, see
 * `StructuredOutputService`) when the output is constrained.
 *
 * @throws ApiError `unsupported_value` for `n` other than 1, `unsupported_parameter` for features
 *   this service does not provide yet (`logprobs`)
 */
export function toCompletionRequest(
  request: ChatCompletionRequest,
  prompt: string,
  grammar?: string,
): CompletionRequest {
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    throw new ApiError('unsupported_value', 'Only n=1 is supported.', 'n');
  }
  if (request.logprobs) {
    throw new ApiError('unsupported_parameter', "'logprobs' is not supported yet.", 'logprobs');
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
  return body;
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
export function finishReasonOf(stopType: StopType | undefined, truncated?: boolean): FinishReason {
  return stopType === 'limit' || truncated ? 'length' : 'stop';
}
