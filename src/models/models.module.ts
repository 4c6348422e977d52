import { Module } from '@nestjs/common';
import { LlamaModule } from '../llama/llama.module';
import { ServedModelService } from './served-model.service';

/** The served model: GGUF metadata and compiled chat template, loaded once. */
@Module({
  imports: [LlamaModule],
  providers: [ServedModelService],
  exports: [ServedModelService],
})
export class ModelsModule {}
