import { Module } from '@nestjs/common';
import { LlamaModule } from '../llama/llama.module';
import { ModelsModule } from '../models/models.module';
import { GbnfBuilder, JsonValidator } from '../grammar';
import {
  ChatCompletionService,
  GRAMMAR_BUILDER_FACTORY,
  SCHEMA_VALIDATOR_FACTORY,
} from './chat-completion.service';
import { StructuredOutputService } from './structured-output';
import { SchemaValidatorFactory } from './tool-calling';

/** Tool-argument checks backed by the service's ajv (2020-12, ajv-formats, schemas compiled once). */
const schemaValidatorFactory = (): SchemaValidatorFactory => {
  const validator = new JsonValidator();
  return (schema) => {
    validator.compile(schema);
    return (value) => validator.errorsOf(schema, value);
  };
};

/** Orchestration of one chat completion (template, sampling, upstream call); no HTTP. */
@Module({
  imports: [LlamaModule, ModelsModule],
  providers: [
    ChatCompletionService,
    StructuredOutputService,
    { provide: GRAMMAR_BUILDER_FACTORY, useValue: () => new GbnfBuilder() },
    { provide: SCHEMA_VALIDATOR_FACTORY, useFactory: schemaValidatorFactory },
  ],
  exports: [ChatCompletionService, StructuredOutputService],
})
export class ChatModule {}
