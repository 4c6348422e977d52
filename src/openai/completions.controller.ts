import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { TextCompletionService } from '../completions/text-completion.service';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { checkRequestLimits, RequestLimits, requestLimitsOf } from '../limits/request-limits';
import { ServedModelService } from '../models/served-model.service';
import { COMPLETION_REQUEST_SCHEMA } from './completion-request.schema';
import { newTextCompletionIdentity, TextChunkEncoder, toTextCompletionResponse } from './completion.encoder';
import { TextCompletionRequest } from './completion.types';
import { compileRequestValidator } from './request-validator';
import { SseReply, SseRoute, streamAsSse } from './sse';
import { clientGoneSignal } from './client-gone';

const validateRequest = compileRequestValidator<TextCompletionRequest>(COMPLETION_REQUEST_SCHEMA);

/**
 * `POST /v1/completions`, per OpenAI (legacy) Completions: the prompt goes to llama-server raw, no
 * chat template (streamed as SSE with `stream: true`).
 */
@Controller('v1')
export class CompletionsController {
  private readonly limits: RequestLimits;

  constructor(
    private readonly completions: TextCompletionService,
    private readonly models: ServedModelService,
    @Inject(SERVER_CONFIG) config: ServerConfig,
  ) {
    this.limits = requestLimitsOf(config);
  }

  @Post('completions')
  @HttpCode(200)
  @SseRoute()
  async create(@Body() body: unknown, @Res() reply: SseReply): Promise<void> {
    const request = validateRequest(body);
    checkRequestLimits(request, this.limits);
    const identity = newTextCompletionIdentity(this.models.model.id);
    if (!request.stream) {
      const result = await this.completions.complete(request, clientGoneSignal(reply));
      await reply.send(toTextCompletionResponse(identity, result));
      return;
    }
    const encoder = new TextChunkEncoder(identity, request.stream_options?.include_usage === true);
    await streamAsSse(this.completions.stream(request), (event) => encoder.encode(event), reply);
  }
}
