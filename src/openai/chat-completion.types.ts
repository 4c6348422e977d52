/**
 * Chat Completions request and response shapes, per OpenAI's API specification
 * (`CreateChatCompletionRequest`, `CreateChatCompletionResponse`,
 * `CreateChatCompletionStreamResponse`), restricted to what this service reads or writes.
 */

/** A content part of a message (`ChatCompletionRequestMessageContentPart*`). */
export interface ContentPart {
  type: string;
  text?: string;
  [other: string]: unknown;
}

/** A function tool call in an assistant message (`ChatCompletionMessageToolCall`). */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One request message (`ChatCompletionRequestMessage`). */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

/** A function tool definition (`ChatCompletionTool`). */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/**
 * The request fields OpenAI's Chat Completions and (legacy) Completions share (sampling, streaming,
 * llama.cpp's `grammar` and `json_schema`), plus llama.cpp's sampling extras under their own names.
 */
export interface SamplingFields {
  model?: string;
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  user?: string;
  /** llama.cpp: raw GBNF passed to `/completion`. */
  grammar?: string;
  /** llama.cpp: a JSON Schema the output must satisfy. */
  json_schema?: unknown;
  [llamaCppExtra: string]: unknown;
}

/**
 * `CreateChatCompletionRequest` plus llama.cpp sampling extras under their own names
 * (per llama.cpp tools/server/README.md, "POST /completion").
 */
export interface ChatCompletionRequest extends SamplingFields {
  messages: ChatMessage[];
  /** Wins over `max_tokens`. */
  max_completion_tokens?: number | null;
  tools?: ToolDefinition[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  /** `text`, `json_object` (llama.cpp also reads `schema` there) or `json_schema` with `json_schema`. */
  response_format?: { type: string; json_schema?: unknown; schema?: unknown; [other: string]: unknown } | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  /** Extra chat template variables, e.g. `{"enable_thinking": false}` (llama.cpp and vLLM's field). */
  chat_template_kwargs?: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** `CompletionUsage`. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

/** `ChatCompletionResponseMessage`, plus `reasoning_content` as llama.cpp and vLLM return it. */
export interface ChatCompletionResponseMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  reasoning_content?: string;
  tool_calls?: ToolCall[];
}

/** `CreateChatCompletionResponse`. */
export interface ChatCompletionResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: ChatCompletionResponseMessage;
    finish_reason: FinishReason;
    logprobs: ChatChoiceLogprobs | null;
  }>;
  usage: CompletionUsage;
}

/** `ChatCompletionMessageToolCallChunk`: the first chunk of a call has id, type and name. */
export interface ToolCallChunk {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

/** `ChatCompletionStreamResponseDelta`, plus `reasoning_content`. */
export interface ChatCompletionDelta {
  role?: 'assistant';
  content?: string | null;
  reasoning_content?: string;
  tool_calls?: ToolCallChunk[];
}

/** `CreateChatCompletionStreamResponse` (one SSE chunk). */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: ChatCompletionDelta;
    finish_reason: FinishReason | null;
    logprobs?: ChatChoiceLogprobs | null;
  }>;
  usage?: CompletionUsage | null;
}

/** `ChatCompletionTokenLogprob.top_logprobs[]`: a candidate token; `bytes` its UTF-8 bytes. */
export interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
}

/** `ChatCompletionTokenLogprob`: a generated token and its most likely alternatives. */
export interface ChatTokenLogprob extends TopLogprob {
  top_logprobs: TopLogprob[];
}

/** A choice's `logprobs` (`content` tokens; `refusal` is always null here). */
export interface ChatChoiceLogprobs {
  content: ChatTokenLogprob[] | null;
  refusal: null;
}
