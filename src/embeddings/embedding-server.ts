import { ServerConfig } from '../config/server-config';

/**
 * The config of the second llama-server that serves embeddings, or `undefined` when neither
 * `--embedding-model` nor `--embedding` is given. It runs `--embedding-model` (with the model's own
 * pooling unless `--pooling`), or the chat model (`--embedding`, with `--pooling` default `mean`,
 * the chat instance's `--ctx-size`), always spawned with llama-server's `--embedding`, which
 * restricts an instance to embeddings (llama.cpp common/arg.cpp) — hence a second one. GPU layers
 * and threads are the chat instance's; the verbatim `--` arguments are not passed on.
 *
 * @throws Error for `--embedding` without `--model` (nothing to embed with)
 */
export function embeddingServerConfig(config: ServerConfig): ServerConfig | undefined {
  if (!config.embeddingModel && !config.embedding) return undefined;
  const model = config.embeddingModel ?? config.model;
  if (!model) throw new Error('--embedding embeds with --model; with --endpoint alone, give --embedding-model');
  const pooling = config.pooling ?? (config.embeddingModel ? undefined : 'mean');
  return {
    ...config,
    model,
    endpoint: undefined,
    ctxSize: config.embeddingModel ? undefined : config.ctxSize,
    parallel: undefined,
    llamaServerArgs: ['--embedding', ...(pooling ? ['--pooling', pooling] : [])],
  };
}
