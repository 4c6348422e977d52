import { Argv } from 'yargs';
import { cacheRoot } from '../llama/cache-dir';
import { collectApiKeys } from '../auth/api-keys';
import { LOG_FORMATS, LOG_LEVELS, LogFormat, LogLevel, POOLING_TYPES, ServerConfig } from '../config/server-config';
import { DEFAULT_REQUEST_LIMITS } from '../limits/request-limits';
import { FORMATS, ToolFormatName } from '../tool-formats';
import { ToolsPromptStyle } from '../tool-formats/tool-format';

/**
 * yargs parser settings of the CLI: `-np`/`-ngl` are whole flags as in llama-server (no short-option
 * grouping), and `--` collects llama-server's verbatim arguments.
 */
export const CLI_PARSER_CONFIGURATION = { 'short-option-groups': false, 'populate--': true } as const;

/** Environment prefix of the flags: llama-server's own (`LLAMA_ARG_CTX_SIZE` is `--ctx-size`). */
export const CLI_ENV_PREFIX = 'LLAMA_ARG';

/**
 * Flags of `serve`, named as llama-server's own (tools/server/README.md): `-m/--model`,
 * `-c/--ctx-size`, `-np/--parallel`, `-ngl/--n-gpu-layers`, `-t/--threads`, `--host`, `--port`,
 * `--alias`, `--chat-template-file`; each can also be set through llama-server's environment
 * variable (`LLAMA_ARG_MODEL`, `LLAMA_ARG_CTX_SIZE`, …). Everything after `--` goes to
 * llama-server verbatim.
 */
export function withServeOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('model', { alias: 'm', type: 'string', describe: 'GGUF model file to serve' })
    .option('endpoint', {
      type: 'string',
      describe: 'use an already running llama-server at this URL instead of spawning one',
    })
    .option('llama-server', {
      type: 'string',
      describe: 'llama-server binary (env LLAMA_SERVER); default: PATH, then cached or new build',
    })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
    .option('port', { type: 'number', default: 8080, describe: 'port to listen on' })
    .option('alias', { alias: 'a', type: 'string', describe: 'model id reported by the API' })
    .option('chat-template-file', {
      type: 'string',
      describe: "Jinja chat template to use instead of the model's own",
    })
    .option('ctx-size', { alias: 'c', type: 'number', describe: 'context size in tokens (llama-server -c)' })
    .option('parallel', { alias: 'np', type: 'number', describe: 'parallel slots (llama-server -np)' })
    .option('n-gpu-layers', {
      alias: ['ngl', 'gpu-layers'],
      type: 'string',
      describe: 'layers to offload to the GPU (llama-server -ngl)',
    })
    .option('threads', { alias: 't', type: 'number', describe: 'CPU threads (llama-server -t)' })
    .option('embedding', {
      alias: 'embeddings',
      type: 'boolean',
      describe: 'serve /v1/embeddings with the chat model, in a second llama-server started with --embedding',
    })
    .option('embedding-model', {
      type: 'string',
      describe: 'GGUF model serving /v1/embeddings, in a second llama-server started with --embedding',
    })
    .option('pooling', {
      choices: POOLING_TYPES,
      describe: "pooling of the embedding llama-server (default: the model's own; mean for the chat model)",
    })
    .option('tool-format', {
      choices: Object.keys(FORMATS) as ToolFormatName[],
      describe: 'tool-call format, instead of detecting it from the chat template',
    })
    .option('tools-prompt-style', {
      choices: ['json-schema', 'typescript'] as ToolsPromptStyle[],
      default: 'json-schema' as ToolsPromptStyle,
      describe: 'how the generic tool format describes tools in the system prompt',
    })
    .option('health-timeout', {
      type: 'number',
      default: 600,
      describe: "seconds to wait for llama-server's /health at start-up",
    })
    .option('queue-size', {
      type: 'number',
      describe: 'requests that may wait for a free slot; more are answered 429 (default: 4 × slots)',
    })
    .option('timeout', {
      alias: 'to',
      type: 'number',
      default: 600,
      describe: 'seconds llama-server may stay silent (before its answer, or between stream events) before 504',
    })
    .option('shutdown-grace', {
      type: 'number',
      default: 30,
      describe: 'seconds in-flight requests may take to finish on SIGTERM/SIGINT',
    })
    .option('log-level', {
      choices: LOG_LEVELS,
      default: 'log' as LogLevel,
      describe: "log verbosity; llama-server's output is logged at debug",
    })
    .option('log-format', {
      choices: LOG_FORMATS,
      default: 'text' as LogFormat,
      describe: 'log lines as readable text or as JSON objects (pino), with the request id',
    })
    .option('api-key', {
      type: 'string',
      array: true,
      nargs: 1,
      describe: 'API key clients must send as "Authorization: Bearer KEY"; repeatable, or comma-separated (also env LLAMA_API_KEY)',
    })
    .option('api-key-file', {
      type: 'string',
      describe: 'file of API keys, one per line (as llama-server)',
    })
    .option('endpoint-api-key', {
      type: 'string',
      describe: 'API key of the --endpoint llama-server, sent as "Authorization: Bearer KEY"',
    })
    .option('max-body-size', {
      type: 'number',
      default: DEFAULT_REQUEST_LIMITS.maxBodyBytes,
      describe: 'largest request body in bytes; larger ones get 413',
    })
    .option('max-tokens-limit', {
      type: 'number',
      default: DEFAULT_REQUEST_LIMITS.maxTokens,
      describe: 'largest max_tokens / max_completion_tokens / max_output_tokens a request may ask for',
    })
    .option('max-messages', {
      type: 'number',
      default: DEFAULT_REQUEST_LIMITS.maxMessages,
      describe: 'most messages (or Responses input items) in one request',
    })
    .option('max-tools', {
      type: 'number',
      default: DEFAULT_REQUEST_LIMITS.maxTools,
      describe: 'most tools in one request',
    })
    .option('max-schema-size', {
      type: 'number',
      default: DEFAULT_REQUEST_LIMITS.maxSchemaBytes,
      describe: 'largest JSON Schema of one tool or response_format / text.format, in bytes of JSON',
    })
    .check((argv) => {
      if (!argv.model && !argv.endpoint) throw new Error('either --model or --endpoint is required');
      if (argv.embedding && !argv.model && !argv['embedding-model']) {
        throw new Error('--embedding embeds with --model; with --endpoint alone, give --embedding-model');
      }
      if (argv['queue-size'] !== undefined && !(Number.isInteger(argv['queue-size']) && argv['queue-size'] >= 0)) {
        throw new Error('--queue-size must be a whole number ≥ 0');
      }
      if (!(argv.timeout > 0)) throw new Error('--timeout must be a number of seconds > 0');
      if (!(argv['shutdown-grace'] >= 0)) throw new Error('--shutdown-grace must be a number of seconds ≥ 0');
      return true;
    });
}

type ServeArgs = Awaited<ReturnType<ReturnType<typeof withServeOptions>['parseAsync']>>;

/** The `ServerConfig` of parsed `serve` flags (`--` arguments included). */
export function toServerConfig(argv: ServeArgs & { '--'?: Array<string | number> }): ServerConfig {
  return {
    model: argv.model,
    endpoint: argv.endpoint,
    llamaServer: argv['llama-server'] ?? process.env.LLAMA_SERVER,
    host: argv.host,
    port: argv.port,
    alias: argv.alias,
    chatTemplateFile: argv['chat-template-file'],
    ctxSize: argv['ctx-size'],
    parallel: argv.parallel,
    nGpuLayers: argv['n-gpu-layers'],
    threads: argv.threads,
    llamaServerArgs: (argv['--'] ?? []).map(String),
    embedding: argv.embedding,
    embeddingModel: argv['embedding-model'],
    pooling: argv.pooling,
    toolFormat: argv['tool-format'],
    toolsPromptStyle: argv['tools-prompt-style'],
    healthTimeoutMs: argv['health-timeout'] * 1000,
    cacheDir: cacheRoot(),
    queueSize: argv['queue-size'],
    timeoutMs: argv.timeout * 1000,
    shutdownGraceMs: argv['shutdown-grace'] * 1000,
    logLevel: argv['log-level'],
    logFormat: argv['log-format'],
    apiKeys: collectApiKeys(argv['api-key'], argv['api-key-file'], process.env.LLAMA_API_KEY),
    endpointApiKey: argv['endpoint-api-key'],
    limits: {
      maxBodyBytes: argv['max-body-size'],
      maxTokens: argv['max-tokens-limit'],
      maxMessages: argv['max-messages'],
      maxTools: argv['max-tools'],
      maxSchemaBytes: argv['max-schema-size'],
    },
  };
}
