/**
 * Request body of llama-server's `POST /completion`, the fields we send
 * (per llama.cpp tools/server/README.md, "POST /completion").
 */
export interface CompletionRequest {
  prompt: string;
  n_predict?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  logit_bias?: Record<string, number>;
  cache_prompt: boolean;
  stream?: boolean;
  /** GBNF constraining the output (llama.cpp grammars/README.md); built by `src/grammar/`. */
  grammar?: string;
  /** Constrain only after a trigger (tool_choice `auto`). */
  grammar_lazy?: boolean;
  /** Lazy-grammar triggers: `type` is llama.cpp's `common_grammar_trigger_type` number. */
  grammar_triggers?: Array<{ type: number; value: string }>;
  /** Special tokens kept whole in the grammar and printed in the output. */
  preserved_tokens?: string[];
  /** llama.cpp sampling extras pass through under their own names (`top_k`, `min_p`, …). */
  [extra: string]: unknown;
}

/** Why llama-server stopped generating (`stop_type`). */
export type StopType = 'none' | 'eos' | 'limit' | 'word';

/**
 * A `/completion` result: the whole answer, or one streamed SSE event (then `content` is the
 * next piece and the last event has `stop: true` with the totals).
 */
export interface CompletionResult {
  content: string;
  stop: boolean;
  stop_type?: StopType;
  stopping_word?: string;
  tokens_predicted?: number;
  tokens_evaluated?: number;
  truncated?: boolean;
  /** Timings of the final result; `cache_n` is the number of prompt tokens reused from the cache. */
  timings?: { cache_n?: number; prompt_n?: number; predicted_n?: number };
}

/** The parts of llama-server's `GET /props` we read. */
export interface LlamaServerProps {
  chat_template?: string;
  bos_token?: string;
  eos_token?: string;
  model_alias?: string;
  model_path?: string;
  total_slots?: number;
  default_generation_settings?: { n_ctx?: number };
}
