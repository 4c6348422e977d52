/**
 * Responses API request and response shapes, per OpenAI's API specification (`CreateResponse`,
 * `Response`, `ResponseStreamEvent`), restricted to what this service reads or writes: text and
 * function tools.
 */
import { CompletionUsage } from './chat-completion.types';

/** A content part of an input message: `input_text`, or `output_text` of an earlier answer. */
export interface ResponseInputPart {
  type: string;
  text?: string;
  [other: string]: unknown;
}

/** `EasyInputMessage` / `InputMessage` / an earlier `OutputMessage` given back as input. */
export interface ResponseInputMessage {
  type?: 'message';
  role: 'user' | 'assistant' | 'system' | 'developer';
  content: string | ResponseInputPart[];
}

/** `FunctionToolCall` given back as input: a call the model made earlier. */
export interface ResponseFunctionCallInput {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
}

/** `FunctionCallOutputItemParam`: the result of a call, as text or text parts. */
export interface ResponseFunctionCallOutputInput {
  type: 'function_call_output';
  call_id: string;
  output: string | ResponseInputPart[];
}

/** `ItemReferenceParam`: an output item of an earlier response, by id. */
export interface ResponseItemReference {
  type: 'item_reference';
  id: string;
}

/** An item of `input`, as far as this service reads it (other item types are refused). */
export type ResponseInputItem =
  | ResponseInputMessage
  | ResponseFunctionCallInput
  | ResponseFunctionCallOutputInput
  | ResponseItemReference
  | { type: 'reasoning'; [other: string]: unknown };

/** `FunctionTool`: flat, unlike Chat Completions' `{type, function: {…}}`. */
export interface ResponseFunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

/** `TextResponseFormatConfiguration`. */
export type ResponseTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: unknown; description?: string; strict?: boolean | null };

/** `CreateResponse`, plus llama.cpp's sampling extras under their own names. */
export interface ResponseRequest {
  model?: string;
  input: string | ResponseInputItem[];
  instructions?: string | null;
  tools?: ResponseFunctionTool[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; name: string };
  parallel_tool_calls?: boolean | null;
  text?: { format?: ResponseTextFormat; verbosity?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stream?: boolean | null;
  metadata?: Record<string, string> | null;
  user?: string | null;
  truncation?: 'auto' | 'disabled' | null;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  previous_response_id?: string | null;
  /** Whether the output items are kept for `item_reference` (OpenAI's default: true). */
  store?: boolean | null;
  [other: string]: unknown;
}

/** `OutputTextContent`. */
export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: never[];
  logprobs: never[];
}

/** `OutputMessage`. */
export interface ResponseOutputMessage {
  type: 'message';
  id: string;
  status: ResponseItemStatus;
  role: 'assistant';
  content: OutputTextPart[];
}

/** `FunctionToolCall` as output. */
export interface ResponseFunctionCall {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ResponseItemStatus;
}

/** `ReasoningItem` with the reasoning text of a thinking model (`<think>…</think>`). */
export interface ResponseReasoning {
  type: 'reasoning';
  id: string;
  summary: never[];
  content: Array<{ type: 'reasoning_text'; text: string }>;
  status: ResponseItemStatus;
}

export type ResponseItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** An item of a response's `output`. */
export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionCall | ResponseReasoning;

/** `ResponseUsage`. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** `Response`: the body of a non-streamed answer, and the `response` of lifecycle events. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'incomplete';
  completed_at: number | null;
  error: null;
  incomplete_details: { reason: 'max_output_tokens' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: { effort: string | null; summary: null };
  temperature: number | null;
  text: { format: ResponseTextFormat };
  tool_choice: NonNullable<ResponseRequest['tool_choice']>;
  tools: ResponseFunctionTool[];
  top_p: number | null;
  truncation: 'auto' | 'disabled';
  /** Once the answer is done. */
  usage?: ResponseUsage;
  user?: string;
  metadata: Record<string, string>;
  background: false;
}

/** `CompletionUsage` as `ResponseUsage`. */
export function toResponseUsage(usage: CompletionUsage): ResponseUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens,
  };
}
