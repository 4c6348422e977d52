/**
 * Request body of llama-server's `POST /completion`, the fields we send
 * (per llama.cpp tools/server/README.md, "POST /completion").
 */
export interface CompletionRequest {
  /** Text, or token ids (one prompt; llama-server also takes mixed arrays, which we never send). */
  prompt: string | number[];
  n_predict?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  logit_bias?: Record<string, number>;
  cache_prompt: boolean;
  /** The slot to run in (its prompt cache is reused); -1 or absent lets llama-server choose. */
  id_slot?: number;
  stream?: boolean;
  /** GBNF constraining the output (llama.cpp grammars/README.md); built by `src/grammar/`. */
  grammar?: string;
  /** Constrain only after a trigger (tool_choice `auto`). */
  grammar_lazy?: boolean;
  /** Lazy-grammar triggers: `type` is llama.cpp's `common_grammar_trigger_type` number. */
  grammar_triggers?: Array<{ type: number; value: string }>;
  /** Special tokens kept whole in the grammar and printed in the output. */
  preserved_tokens?: string[];
  /** Top candidates to report per generated token; 0 (default) reports none. */
  n_probs?: number;
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
  /**
   * Timings of the final result (llama-server's `timings`): `cache_n` is the number of prompt
   * tokens reused from the cache; milliseconds spent on the prompt and on generation, and
   * generated tokens per second.
   */
  timings?: {
    cache_n?: number;
    prompt_n?: number;
    prompt_ms?: number;
    predicted_n?: number;
    predicted_ms?: number;
    predicted_per_second?: number;
  };
  /**
   * With `n_probs` > 0: the generated tokens (the whole answer, or this event's token when
   * streaming; a streamed final event has none).
   */
  completion_probabilities?: TokenProbability[];
}

/** A candidate token and its log-probability (natural log, before sampling). */
export interface TokenCandidate {
  id: number;
  /** The token's text, cut at an incomplete UTF-8 sequence. */
  token: string;
  /** The token's exact UTF-8 bytes. */
  bytes: number[];
  logprob: number;
}

/**
 * One generated token with the `n_probs` most likely candidates at its position, as llama-server
 * reports it with `post_sampling_probs: false` (tools/server/server-task.cpp
 * `probs_vector_to_json`). `token` is the text sent for it: "" while held back by a partial stop
 * match, and several tokens' text when released together.
 */
export interface TokenProbability extends TokenCandidate {
  top_logprobs: TokenCandidate[];
}

/** The parts of llama-server's `GET /props` we read. */
export interface LlamaServerProps {
  chat_template?: string;
  /** The model's separate template for requests with tools, if it has one. */
  chat_template_tool_use?: string;
  bos_token?: string;
  eos_token?: string;
  model_alias?: string;
  model_path?: string;
  total_slots?: number;
  default_generation_settings?: { n_ctx?: number };
}

/** `POST /tokenize` body (tools/server/README.md): text, or a mix of text and token ids. */
export interface TokenizeRequest {
  content: string | Array<string | number>;
  add_special?: boolean;
  parse_special?: boolean;
  with_pieces?: boolean;
  [other: string]: unknown;
}

/** `POST /tokenize` answer: ids, or `{ id, piece }` with `with_pieces`. */
export interface TokenizeResponse {
  tokens: Array<number | { id: number; piece: string | number[] }>;
}

/** `POST /detokenize` body. */
export interface DetokenizeRequest {
  tokens: number[];
  [other: string]: unknown;
}

/** `POST /detokenize` answer. */
export interface DetokenizeResponse {
  content: string;
}

/**
 * `POST /embeddings` body (native endpoint): one prompt (text or token ids) or several;
 * `embd_normalize` is llama.cpp's normalisation (2 = Euclidean, the default).
 */
export interface EmbeddingsRequest {
  content: string | number[] | Array<string | number[]>;
  embd_normalize?: number;
}

/**
 * One prompt's result of the native `/embeddings`: with pooling, `embedding` holds one vector;
 * with pooling `none`, one vector per token (server-task.cpp `to_json_non_oaicompat`).
 */
export interface EmbeddingsResult {
  index: number;
  embedding: number[][];
}
