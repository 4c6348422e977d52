import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { LlamaModule } from '../llama/llama.module';
import { TextCompletionService } from './text-completion.service';

/** Orchestration of one (legacy) Completions request (raw prompt, sampling, upstream call); no HTTP. */
@Module({
  imports: [LlamaModule, ChatModule],
  providers: [TextCompletionService],
  exports: [TextCompletionService],
})
export class CompletionsModule {}
