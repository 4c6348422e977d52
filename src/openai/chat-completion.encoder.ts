import { randomUUID } from 'node:crypto';
import { ChatResult, ChatStreamEvent } from '../chat/chat-completion.service';
import { ChatCompletionChunk, ChatCompletionResponse } from './chat-completion.types';

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

/** A finished chat result as OpenAI's `CreateChatCompletionResponse`. */
export function toChatCompletionResponse(
  identity: CompletionIdentity,
  result: ChatResult,
): ChatCompletionResponse {
  return {
    ...identity,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: result.content, refusal: null },
        finish_reason: result.finishReason,
        logprobs: null,
      },
    ],
    usage: result.usage,
  };
}

/**
 * Encodes a chat stream as OpenAI `CreateChatCompletionStreamResponse` chunks, the way OpenAI does:
 * a first chunk with `delta.role`, one chunk per content piece, a chunk with `finish_reason`, and
 * with `stream_options.include_usage` a last chunk with `choices: []` and `usage` (every earlier
 * chunk then carries `usage: null`).
 */
export class ChatChunkEncoder {
  constructor(
    private readonly identity: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {}

  /** The opening chunk, sent before any content. */
  start(): ChatCompletionChunk {
    return this.chunk({ role: 'assistant', content: '' }, null);
  }

  /** The chunks for one stream event. */
  encode(event: ChatStreamEvent): ChatCompletionChunk[] {
    if (event.type === 'content') return [this.chunk({ content: event.content }, null)];
    const chunks = [this.chunk({}, event.finishReason)];
    if (this.includeUsage) {
      chunks.push({ ...this.identity, object: 'chat.completion.chunk', choices: [], usage: event.usage });
    }
    return chunks;
  }

  private chunk(
    delta: ChatCompletionChunk['choices'][number]['delta'],
    finishReason: ChatCompletionChunk['choices'][number]['finish_reason'],
  ): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      ...this.identity,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    };
    if (this.includeUsage) chunk.usage = null;
    return chunk;
  }
}
