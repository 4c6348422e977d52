import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ChatModule } from '../chat/chat.module';
import { CompletionsModule } from '../completions/completions.module';
import { EmbeddingsModule } from '../embeddings/embeddings.module';
import { LlamaModule } from '../llama/llama.module';
import { ModelsModule } from '../models/models.module';
import { ChatCompletionsController } from './chat-completions.controller';
import { CompletionsController } from './completions.controller';
import { EmbeddingsController } from './embeddings.controller';
import { LlamaNativeController } from './llama-native.controller';
import { ModelsController } from './models.controller';
import { OpenAIExceptionFilter } from './openai-exception.filter';
import { ResponseItemStore } from './response-item-store';
import { ResponsesController } from './responses.controller';

/**
 * The OpenAI-compatible HTTP API (chat, responses, completions, embeddings, models) and
 * llama-server's own `/tokenize`, `/detokenize`, `/props`: controllers, request checks, SSE, error
 * filter.
 */
@Module({
  imports: [ChatModule, CompletionsModule, EmbeddingsModule, LlamaModule, ModelsModule],
  controllers: [
    ChatCompletionsController,
    CompletionsController,
    EmbeddingsController,
    LlamaNativeController,
    ModelsController,
    ResponsesController,
  ],
  providers: [{ provide: APP_FILTER, useClass: OpenAIExceptionFilter }, ResponseItemStore],
})
export class OpenAIModule {}
