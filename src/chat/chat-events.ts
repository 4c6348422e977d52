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
}

/**
 * One step of a streamed chat completion, then a final `done`. A tool call starts with
 * `tool_call_start` (its id and name) and grows by `tool_call_arguments` fragments.
 */
export type ChatStreamEvent =
  | { type: 'content'; content: string }
  | { type: 'reasoning'; reasoning: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_arguments'; index: number; arguments: string }
  | { type: 'done'; finishReason: FinishReason; usage: CompletionUsage };
