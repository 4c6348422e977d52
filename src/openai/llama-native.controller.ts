import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  DetokenizeRequest,
  DetokenizeResponse,
  LlamaServerProps,
  TokenizeRequest,
  TokenizeResponse,
} from '../llama/completion-types';
import { LlamaClient } from '../llama/llama-client';
import { compileRequestValidator } from './request-validator';

/** A token id: llama.cpp's `llama_token` is a 32-bit integer. */
const TOKEN_ID = { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 };

/** `POST /tokenize` body, per llama.cpp tools/server/README.md (unknown fields pass through). */
const validateTokenize = compileRequestValidator<TokenizeRequest>({
  type: 'object',
  required: ['content'],
  properties: {
    content: {
      anyOf: [
        { type: 'string' },
        { type: 'array', items: { anyOf: [{ type: 'string' }, TOKEN_ID] } },
      ],
    },
    add_special: { type: 'boolean' },
    parse_special: { type: 'boolean' },
    with_pieces: { type: 'boolean' },
  },
});

/** `POST /detokenize` body, per llama.cpp tools/server/README.md. */
const validateDetokenize = compileRequestValidator<DetokenizeRequest>({
  type: 'object',
  required: ['tokens'],
  properties: { tokens: { type: 'array', items: TOKEN_ID } },
});

/**
 * llama-server's own `POST /tokenize`, `POST /detokenize` and `GET /props` under the same paths
 * (llama.cpp tools/server/README.md): the body is checked for shape, forwarded to the chat model's
 * llama-server, and its answer returned as it is; llama-server's errors become OpenAI-shaped ones
 * (4xx → 400 `upstream_rejected`, 5xx → 502 `upstream_error`, down → 503).
 */
@Controller()
export class LlamaNativeController {
  constructor(private readonly llama: LlamaClient) {}

  @Post('tokenize')
  @HttpCode(200)
  tokenize(@Body() body: unknown): Promise<TokenizeResponse> {
    return this.llama.tokenize(validateTokenize(body));
  }

  @Post('detokenize')
  @HttpCode(200)
  detokenize(@Body() body: unknown): Promise<DetokenizeResponse> {
    return this.llama.detokenize(validateDetokenize(body));
  }

  @Get('props')
  props(): Promise<LlamaServerProps> {
    return this.llama.props();
  }
}
