import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ChatStreamEvent } from '../chat/chat-events';
import { ChatCompletionService } from '../chat/chat-completion.service';
import { ServedModelService } from '../models/served-model.service';
import { CHAT_COMPLETION_REQUEST_SCHEMA } from './chat-completion-request.schema';
import {
  ChatChunkEncoder,
  newCompletionIdentity,
  toChatCompletionResponse,
} from './chat-completion.encoder';
import { ChatCompletionRequest } from './chat-completion.types';
import { toOpenAIError } from './openai-error';
import { compileRequestValidator } from './request-validator';
import { SseReply, SseRoute } from './sse';

const validateRequest = compileRequestValidator<ChatCompletionRequest>(
  CHAT_COMPLETION_REQUEST_SCHEMA,
);

/** `POST /v1/chat/completions`, per OpenAI Chat Completions (streamed as SSE with `stream: true`). */
@Controller('v1/chat')
export class ChatCompletionsController {
  constructor(
    private readonly chat: ChatCompletionService,
    private readonly models: ServedModelService,
  ) {}

  @Post('completions')
  @HttpCode(200)
  @SseRoute()
  async create(
    @Body() body: unknown,
    @Res() reply: SseReply,
  ): Promise<void> {
    const request = validateRequest(body);
    const identity = newCompletionIdentity(this.models.model.id);
    if (!request.stream) {
      const abort = new AbortController();
      reply.raw.once('close', () => abort.abort());
      const result = await this.chat.complete(request, abort.signal);
      await reply.send(toChatCompletionResponse(identity, result));
      return;
    }
    const encoder = new ChatChunkEncoder(identity, request.stream_options?.include_usage === true);
    await streamChat(this.chat.stream(request), encoder, reply);
  }
}

/**
 * Forwards a chat stream as SSE: nothing is written until the first upstream event (so a failure
 * before it is an ordinary JSON error response); after that an upstream failure becomes an
 * `{"error":…}` event and the stream closes; success ends with `data: [DONE]`. A client that goes
 * away unsubscribes, which aborts the upstream request.
 */
function streamChat(
  events: Observable<ChatStreamEvent>,
  encoder: ChatChunkEncoder,
  reply: SseReply,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let started = false;
    let sending: Promise<void> = Promise.resolve();
    const send = (message: string | { data: unknown }) => {
      sending = sending
        .then(() => (reply.sse.isConnected ? reply.sse.send(message) : undefined))
        // a client gone mid-write is handled by onClose below; the chain must keep resolving
        .catch(() => undefined);
    };
    const finish = () =>
      void sending.then(() => {
        reply.sse.close();
        resolve();
      });
    const subscription = events.subscribe({
      next: (event) => {
        if (!started) {
          started = true;
          send({ data: encoder.start() });
        }
        for (const chunk of encoder.encode(event)) send({ data: chunk });
      },
      error: (error: unknown) => {
        if (!started) return reject(error);
        send({ data: toOpenAIError(error).toJSON() });
        finish();
      },
      complete: () => {
        send('[DONE]');
        finish();
      },
    });
    reply.sse.onClose(() => {
      subscription.unsubscribe();
      resolve();
    });
  });
}
