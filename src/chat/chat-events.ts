import { TokenProbability } from '../llama/completion-types';
import { CompletionUsage, FinishReason } from '../openai/chat-completion.types';

/** A tool call of a finished answer: `arguments` is complete, schema-valid JSON text. */
export interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A finished chat completion, independent of the wire format. */
export interface ChatResult {
  /** Visible text; `null` when the answer is only tool calls. */
  content: string | null;
  /** Reasoning text of thinking models (`<think>…</think>`), when there was any. */
  reasoning?: string;
  toolCalls: ChatToolCall[];
  finishReason: FinishReason;
  usage: CompletionUsage;
  /** With `logprobs: true`: every generated token (of the raw output, tool-call markup included). */
  logprobs?: TokenProbability[];
}

/**
 * One step of a streamed chat completion, then a final `done`. A tool call starts with
 * `tool_call_start` (its id and name) and grows by `tool_call_arguments` fragments. With
 * `logprobs: true` the tokens' log-probabilities ride on the `content` they produced, or come as a
 * `logprobs` event when they produced no content (held back, tool-call markup).
 */
export type ChatStreamEvent =
  | { type: 'content'; content: string; logprobs?: TokenProbability[] }
  | { type: 'logprobs'; logprobs: TokenProbability[] }
  | { type: 'reasoning'; reasoning: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_arguments'; index: number; arguments: string }
  | { type: 'done'; finishReason: FinishReason; usage: CompletionUsage };
