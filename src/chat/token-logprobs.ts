import { CompletionResult, TokenProbability } from '../llama/completion-types';

/**
 * The generated tokens' log-probabilities of a `/completion` result with each token's candidates
 * cut to the `top` most likely (llama-server reports `n_probs` ≥ 1 of them, best first); `[]` when
 * the result carries none.
 */
export function topCandidates(result: CompletionResult, top: number): TokenProbability[] {
  return (result.completion_probabilities ?? []).map((token) => ({
    ...token,
    top_logprobs: token.top_logprobs.slice(0, top),
  }));
}
