import { randomUUID } from 'node:crypto';
import { ChatResult, ChatStreamEvent } from '../chat/chat-events';
import { TokenProbability } from '../llama/completion-types';
import {
  ChatChoiceLogprobs,
  ChatCompletionChunk,
  ChatCompletionDelta,
  ChatCompletionResponse,
  ChatCompletionResponseMessage,
} from './chat-completion.types';

/** Identity shared by a response or by every chunk of one stream. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

/** A new `chatcmpl-…` id and creation time (Unix seconds) for `model`. */
export function newCompletionIdentity(model: string): CompletionIdentity {
  return {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
}

/**
 * A finished chat result as OpenAI's `CreateChatCompletionResponse`: `tool_calls` only when there
 * are calls (arguments as JSON strings), `reasoning_content` only for thinking models.
 */
export function toChatCompletionResponse(
  identity: CompletionIdentity,
  result: ChatResult,
): ChatCompletionResponse {
  const message: ChatCompletionResponseMessage = { role: 'assistant', content: result.content, refusal: null };
  if (result.reasoning) message.reasoning_content = result.reasoning;
  if (result.toolCalls.length > 0) {
    message.tool_calls = result.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    ...identity,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message,
        finish_reason: result.finishReason,
        logprobs: result.logprobs ? toChatLogprobs(result.logprobs) : null,
      },
    ],
    usage: result.usage,
  };
}

/**
 * Encodes a chat stream as OpenAI `CreateChatCompletionStreamResponse` chunks, the way OpenAI does:
 * a first chunk with `delta.role` (and `content: null`), one chunk per content (or
 * `reasoning_content`) piece; a tool call's first chunk carries `index`, `id`, `type` and
 * `function.name` with `arguments: ""`, later ones `index` and an arguments fragment; then a chunk
 * with `finish_reason`, and with `stream_options.include_usage` a last chunk with `choices: []` and
 * `usage` (every earlier chunk then carries `usage: null`). With `logprobs: true` a chunk's
 * `logprobs.content` holds the tokens of its piece (a chunk with an empty `delta` carries tokens
 * that produced no content).
 */
export class ChatChunkEncoder {
  constructor(
    private readonly identity: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {}

  /**
   * The opening chunk, sent before anything is generated: `{ role: "assistant", content: null }`, as
   * llama.cpp's server sends it (tools/server/server-task.cpp). `null`, not `""`, because the answer
   * may turn out to be only tool calls, whose message OpenAI gives `content: null`; a client such as
   * the Vercel AI SDK opens a text part for any non-null `content`.
   */
  start(): ChatCompletionChunk {
    return this.chunk({ role: 'assistant', content: null }, null);
  }

  /** The chunks for one stream event. */
  encode(event: ChatStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'content':
        return [this.chunk({ content: event.content }, null, event.logprobs)];
      case 'logprobs':
        return [this.chunk({}, null, event.logprobs)];
      case 'reasoning':
        return [this.chunk({ reasoning_content: event.reasoning }, null)];
      case 'tool_call_start':
        return [
          this.chunk(
            {
              tool_calls: [
                { index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } },
              ],
            },
            null,
          ),
        ];
      case 'tool_call_arguments':
        return [this.chunk({ tool_calls: [{ index: event.index, function: { arguments: event.arguments } }] }, null)];
    }
    const chunks = [this.chunk({}, event.finishReason)];
    if (this.includeUsage) {
      chunks.push({ ...this.identity, object: 'chat.completion.chunk', choices: [], usage: event.usage });
    }
    return chunks;
  }

  private chunk(
    delta: ChatCompletionDelta,
    finishReason: ChatCompletionChunk['choices'][number]['finish_reason'],
    logprobs?: TokenProbability[],
  ): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      ...this.identity,
      object: 'chat.completion.chunk',
      choices: [
        { index: 0, delta, finish_reason: finishReason, logprobs: logprobs ? toChatLogprobs(logprobs) : null },
      ],
    };
    if (this.includeUsage) chunk.usage = null;
    return chunk;
  }
}

/**
 * llama-server's token probabilities (`completion_probabilities`, `post_sampling_probs: false`) as
 * OpenAI's `logprobs` of a chat choice: `content[] = { token, logprob, bytes, top_logprobs }`.
 */
export function toChatLogprobs(tokens: TokenProbability[]): ChatChoiceLogprobs {
  return {
    content: tokens.map((token) => ({
      token: token.token,
      logprob: token.logprob,
      bytes: token.bytes,
      top_logprobs: token.top_logprobs.map((candidate) => ({
        token: candidate.token,
        logprob: candidate.logprob,
        bytes: candidate.bytes,
      })),
    })),
    refusal: null,
  };
}
