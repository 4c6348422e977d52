import { Controller, Get } from '@nestjs/common';
import { EmbeddingService } from '../embeddings/embedding.service';
import { ServedModelService } from '../models/served-model.service';

/**
 * `GET /v1/models`, per OpenAI `ListModelsResponse`: the served model, and the embedding model when
 * `--embedding-model` serves another one.
 */
@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly models: ServedModelService,
    private readonly embeddings: EmbeddingService,
  ) {}

  @Get()
  list() {
    const { id, created } = this.models.model;
    const ids = [id];
    const embedding = this.embeddings.model;
    if (embedding !== undefined && embedding !== id) ids.push(embedding);
    return {
      object: 'list',
      data: ids.map((model) => ({ id: model, object: 'model', created, owned_by: 'llama-tools-server' })),
    };
  }
}
