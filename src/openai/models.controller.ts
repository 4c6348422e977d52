import { Controller, Get } from '@nestjs/common';
import { ServedModelService } from '../models/served-model.service';

/** `GET /v1/models`, per OpenAI `ListModelsResponse`: the one served model. */
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ServedModelService) {}

  @Get()
  list() {
    const { id, created } = this.models.model;
    return { object: 'list', data: [{ id, object: 'model', created, owned_by: 'llama-tools-server' }] };
  }
}
