import { CompletionUsage, SamplingFields } from './chat-completion.types';

/**
 * (Legacy) Completions request and response shapes, per OpenAI's API specification
 * (`CreateCompletionRequest`, `CreateCompletionResponse`), restricted to what this service reads
 * or writes.
 */

/** `CreateCompletionRequest` plus llama.cpp's `grammar`, `json_schema` and sampling extras. */
export interface TextCompletionRequest extends SamplingFields {
  /** One prompt (text or token ids) or several (texts or token-id arrays). */
  prompt: string | string[] | number[] | number[][];
  suffix?: string | null;
  echo?: boolean | null;
  /** How many most likely alternatives to report per token (0–5). */
  logprobs?: number | null;
  best_of?: number | null;
}

/** A choice's `logprobs` in the legacy shape: parallel arrays, `top_logprobs` as token → logprob. */
export interface TextLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
  /** Offset of each token in the choice's `text`, in characters (code points). */
  text_offset: number[];
}

/** One choice of `CreateCompletionResponse` (or of a streamed chunk, which has the same shape). */
export interface TextCompletionChoice {
  index: number;
  text: string;
  finish_reason: 'stop' | 'length' | null;
  logprobs: TextLogprobs | null;
}

/**
 * `CreateCompletionResponse`; streamed chunks have the same shape (`object: "text_completion"`),
 * `finish_reason: null` until the choice's last chunk.
 */
export interface TextCompletionResponse {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: TextCompletionChoice[];
  usage?: CompletionUsage | null;
}
