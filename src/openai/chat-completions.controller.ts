import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ChatCompletionService } from '../chat/chat-completion.service';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { checkRequestLimits, RequestLimits, requestLimitsOf } from '../limits/request-limits';
import { ServedModelService } from '../models/served-model.service';
import { CHAT_COMPLETION_REQUEST_SCHEMA } from './chat-completion-request.schema';
import {
  ChatChunkEncoder,
  newCompletionIdentity,
  toChatCompletionResponse,
} from './chat-completion.encoder';
import { ChatCompletionRequest } from './chat-completion.types';
import { compileRequestValidator } from './request-validator';
import { SseReply, SseRoute, streamAsSse } from './sse';
import { clientGoneSignal } from './client-gone';

const validateRequest = compileRequestValidator<ChatCompletionRequest>(
  CHAT_COMPLETION_REQUEST_SCHEMA,
);

/** `POST /v1/chat/completions`, per OpenAI Chat Completions (streamed as SSE with `stream: true`). */
@Controller('v1/chat')
export class ChatCompletionsController {
  private readonly limits: RequestLimits;

  constructor(
    private readonly chat: ChatCompletionService,
    private readonly models: ServedModelService,
    @Inject(SERVER_CONFIG) config: ServerConfig,
  ) {
    this.limits = requestLimitsOf(config);
  }

  @Post('completions')
  @HttpCode(200)
  @SseRoute()
  async create(
    @Body() body: unknown,
    @Res() reply: SseReply,
  ): Promise<void> {
    const request = validateRequest(body);
    checkRequestLimits(request, this.limits);
    const identity = newCompletionIdentity(this.models.model.id);
    if (!request.stream) {
      const result = await this.chat.complete(request, clientGoneSignal(reply));
      await reply.send(toChatCompletionResponse(identity, result));
      return;
    }
    const encoder = new ChatChunkEncoder(identity, request.stream_options?.include_usage === true);
    await streamAsSse(
      this.chat.stream(request),
      (event, first) => [...(first ? [encoder.start()] : []), ...encoder.encode(event)],
      reply,
    );
  }
}
