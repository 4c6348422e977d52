import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { tap } from 'rxjs';
import { ChatCompletionService } from '../chat/chat-completion.service';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { checkResponseRequestLimits, RequestLimits, requestLimitsOf } from '../limits/request-limits';
import { ServedModelService } from '../models/served-model.service';
import { clientGoneSignal } from './client-gone';
import { compileRequestValidator } from './request-validator';
import { newResponseIdentity, ResponseEventEncoder, toResponseObject } from './response.encoder';
import { ResponseItemStore } from './response-item-store';
import { RESPONSE_REQUEST_SCHEMA } from './response-request.schema';
import { ResponseRequest } from './response.types';
import { toChatRequest } from './responses-to-chat';
import { SseReply, SseRoute, streamAsSse } from './sse';

const validateRequest = compileRequestValidator<ResponseRequest>(RESPONSE_REQUEST_SCHEMA);

/**
 * `POST /v1/responses`, per OpenAI Responses (streamed as SSE events named by their `type` with
 * `stream: true`): the request is answered as the Chat Completions request it amounts to
 * (`toChatRequest`), so tool calls and `text.format` schemas get the same grammar and checks. The
 * output items are kept for later `item_reference`s unless `store` is false.
 */
@Controller('v1')
export class ResponsesController {
  private readonly limits: RequestLimits;

  constructor(
    private readonly chat: ChatCompletionService,
    private readonly models: ServedModelService,
    private readonly store: ResponseItemStore,
    @Inject(SERVER_CONFIG) config: ServerConfig,
  ) {
    this.limits = requestLimitsOf(config);
  }

  @Post('responses')
  @HttpCode(200)
  @SseRoute()
  async create(@Body() body: unknown, @Res() reply: SseReply): Promise<void> {
    const request = validateRequest(body);
    checkResponseRequestLimits(request, this.limits);
    const chatRequest = toChatRequest(request, (id) => this.store.find(id));
    const identity = newResponseIdentity(this.models.model.id);
    const keep = request.store !== false;
    if (!request.stream) {
      const response = toResponseObject(identity, request, await this.chat.complete(chatRequest, clientGoneSignal(reply)));
      if (keep) this.store.keep(response.output);
      await reply.send(response);
      return;
    }
    const encoder = new ResponseEventEncoder(identity, request);
    const events = this.chat.stream(chatRequest).pipe(
      tap({
        complete: () => {
          if (keep) this.store.keep(encoder.output);
        },
      }),
    );
    await streamAsSse(events, (event, first) => [...(first ? encoder.start() : []), ...encoder.encode(event)], reply, {
      eventOf: (data) => (data as { type: string }).type,
      done: null,
      failure: (error) => encoder.error(error),
    });
  }
}
