import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { EmbeddingService } from '../embeddings/embedding.service';
import { ApiError } from '../errors/api-error';
import { EMBEDDING_REQUEST_SCHEMA, EmbeddingRequest } from './embedding-request.schema';
import { EmbeddingResponse, toEmbeddingResponse } from './embedding.encoder';
import { compileRequestValidator } from './request-validator';
import { clientGoneSignal } from './client-gone';

const validateRequest = compileRequestValidator<EmbeddingRequest>(EMBEDDING_REQUEST_SCHEMA);

/**
 * `POST /v1/embeddings`, per OpenAI Embeddings, served by the embedding llama-server
 * (`--embedding-model` or `--embedding`); 404 `model_not_found` without one.
 */
@Controller('v1')
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingService) {}

  /** @throws ApiError `unsupported_parameter` for `dimensions` (the model's size is fixed) */
  @Post('embeddings')
  @HttpCode(200)
  async create(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EmbeddingResponse> {
    const request = validateRequest(body);
    if (request.dimensions !== undefined && request.dimensions !== null) {
      throw new ApiError(
        'unsupported_parameter',
        "'dimensions' is not supported: the embedding model's vectors have a fixed size.",
        'dimensions',
      );
    }
    const result = await this.embeddings.embed(request.input, clientGoneSignal(reply));
    return toEmbeddingResponse(result, request.encoding_format);
  }
}
