import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ChatModule } from '../chat/chat.module';
import { ModelsModule } from '../models/models.module';
import { ChatCompletionsController } from './chat-completions.controller';
import { ModelsController } from './models.controller';
import { OpenAIExceptionFilter } from './openai-exception.filter';

/** The OpenAI-compatible HTTP API: controllers, request checks, SSE, error filter. */
@Module({
  imports: [ChatModule, ModelsModule],
  controllers: [ChatCompletionsController, ModelsController],
  providers: [{ provide: APP_FILTER, useClass: OpenAIExceptionFilter }],
})
export class OpenAIModule {}
