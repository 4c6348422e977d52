import { Module } from '@nestjs/common';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { LlamaClient } from '../llama/llama-client';
import { LlamaServerService } from '../llama/llama-server.service';
import { ModelsModule } from '../models/models.module';
import { embeddingServerConfig } from './embedding-server';
import { EMBEDDING_CLIENT, EmbeddingService } from './embedding.service';

/** Injection token: the embedding llama-server (a `LlamaServerService`), `null` when there is none. */
const EMBEDDING_SERVER = Symbol('EmbeddingServer');

/**
 * Embeddings: with `--embedding-model` or `--embedding`, a second llama-server (spawned, supervised
 * and stopped like the chat one, by its own `LlamaServerService`) and its client; no HTTP.
 */
@Module({
  imports: [ModelsModule],
  providers: [
    {
      provide: EMBEDDING_SERVER,
      useFactory: (config: ServerConfig) => {
        const embedding = embeddingServerConfig(config);
        return embedding ? new LlamaServerService(embedding, undefined, 'llama-server (embeddings)') : null;
      },
      inject: [SERVER_CONFIG],
    },
    {
      provide: EMBEDDING_CLIENT,
      useFactory: (server: LlamaServerService | null) => (server ? new LlamaClient(server) : null),
      inject: [EMBEDDING_SERVER],
    },
    EmbeddingService,
  ],
  exports: [EmbeddingService],
})
export class EmbeddingsModule {}
