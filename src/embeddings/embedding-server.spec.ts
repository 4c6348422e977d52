import { ServerConfig } from '../config/server-config';
import { embeddingServerConfig } from './embedding-server';

describe('the embedding llama-server', () => {
  // the fields this derivation reads, plus the required rest
  const base = {
    model: 'chat.gguf',
    host: '127.0.0.1',
    port: 8080,
    ctxSize: 4096,
    parallel: 4,
    threads: 2,
    llamaServerArgs: ['--flash-attn', 'on'],
    toolsPromptStyle: 'json-schema',
    healthTimeoutMs: 1000,
    cacheDir: '/tmp',
    logLevel: 'log',
    timeoutMs: 1000,
    shutdownGraceMs: 1000,
  } as ServerConfig;

  it('is not started unless asked for', () => {
    expect(embeddingServerConfig(base)).toBeUndefined();
  });

  it('runs the chat model with --embedding and mean pooling for --embedding', () => {
    expect(embeddingServerConfig({ ...base, embedding: true })).toMatchObject({
      model: 'chat.gguf',
      ctxSize: 4096,
      parallel: undefined,
      threads: 2,
      llamaServerArgs: ['--embedding', '--pooling', 'mean'],
    });
  });

  it("runs --embedding-model with its own pooling, or --pooling, and not the chat model's context", () => {
    expect(embeddingServerConfig({ ...base, embeddingModel: 'embed.gguf' })).toMatchObject({
      model: 'embed.gguf',
      ctxSize: undefined,
      llamaServerArgs: ['--embedding'],
    });
    expect(
      embeddingServerConfig({ ...base, endpoint: 'http://x', embeddingModel: 'embed.gguf', pooling: 'cls' }),
    ).toMatchObject({ endpoint: undefined, llamaServerArgs: ['--embedding', '--pooling', 'cls'] });
  });

  it('needs a model to embed with', () => {
    expect(() => embeddingServerConfig({ ...base, model: undefined, endpoint: 'http://x', embedding: true })).toThrow(
      /--embedding-model/,
    );
  });
});
