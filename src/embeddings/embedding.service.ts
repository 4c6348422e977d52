import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { basename } from 'node:path';
import { promptsOf } from '../completions/prompts';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { ApiError } from '../errors/api-error';
import { readGgufMetadata } from '../gguf/gguf-metadata';
import { LlamaClient } from '../llama/llama-client';
import { ServedModelService } from '../models/served-model.service';

/** Injection token: the `LlamaClient` of the embedding llama-server, `null` when there is none. */
export const EMBEDDING_CLIENT = Symbol('EmbeddingClient');

/** OpenAI's `input` forms: one text, several texts, one token-id array, several token-id arrays. */
export type EmbeddingInput = string | string[] | number[] | number[][];

/** The embeddings of a request's inputs, in input order, and what they cost. */
export interface EmbeddingResult {
  /** Id of the model that made them: `general.name` of `--embedding-model`, else the chat model's id. */
  model: string;
  /** One pooled, normalised (Euclidean) vector per input. */
  vectors: number[][];
  /** Tokens of all inputs (after llama-server's tokenisation, special tokens included). */
  promptTokens: number;
}

/**
 * Embeddings from the embedding llama-server (see `embeddingServerConfig`) through its native
 * `POST /embeddings` (llama.cpp tools/server/README.md): texts are tokenised first with its
 * `POST /tokenize` (`add_special`, `parse_special`, as its embedding endpoint does), so usage counts
 * exactly the tokens embedded. No HTTP in here.
 */
@Injectable()
export class EmbeddingService implements OnModuleInit {
  private modelId?: string;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly models: ServedModelService,
    @Optional() @Inject(EMBEDDING_CLIENT) private readonly llama: LlamaClient | null,
  ) {}

  async onModuleInit(): Promise<void> {
    const path = this.config.embeddingModel;
    if (path) this.modelId = (await readGgufMetadata(path)).name ?? basename(path, '.gguf');
  }

  /** Id of the embedding model, or `undefined` when none is served. */
  get model(): string | undefined {
    if (!this.llama) return undefined;
    return this.modelId ?? this.models.model.id;
  }

  /**
   * Embeds every input.
   *
   * @throws ApiError `model_not_found` (404) when no embedding model is served; the errors of
   *   `LlamaClient` (an input longer than the embedding batch becomes 400 `context_length_exceeded`)
   */
  async embed(input: EmbeddingInput, signal?: AbortSignal): Promise<EmbeddingResult> {
    const llama = this.llama;
    const model = this.model;
    if (!llama || model === undefined) {
      throw new ApiError(
        'model_not_found',
        'No embedding model is served: start the service with --embedding-model FILE, or with --embedding to embed with the chat model.',
        'model',
      );
    }
    const prompts = await Promise.all(
      promptsOf(input).map(async (prompt) =>
        typeof prompt === 'string'
          ? ((await llama.tokenize({ content: prompt, add_special: true, parse_special: true }, signal))
              .tokens as number[])
          : prompt,
      ),
    );
    const results = await llama.embeddings({ content: prompts }, signal);
    const vectors = [...results]
      .sort((a, b) => a.index - b.index)
      .map((result) => {
        if (result.embedding.length !== 1) {
          throw new ApiError(
            'upstream_error',
            'The embedding llama-server returned one vector per token (pooling none): start it with --pooling mean, cls or last.',
          );
        }
        return result.embedding[0];
      });
    return { model, vectors, promptTokens: prompts.reduce((total, tokens) => total + tokens.length, 0) };
  }
}
