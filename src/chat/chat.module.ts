import { Module } from '@nestjs/common';
import { LlamaModule } from '../llama/llama.module';
import { ModelsModule } from '../models/models.module';
import { ChatCompletionService } from './chat-completion.service';

/** Orchestration of one chat completion (template, sampling, upstream call); no HTTP. */
@Module({
  imports: [LlamaModule, ModelsModule],
  providers: [ChatCompletionService],
  exports: [ChatCompletionService],
})
export class ChatModule {}
