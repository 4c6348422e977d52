import { Argv } from 'yargs';
import { cacheRoot } from '../llama/cache-dir';
import { LOG_LEVELS, LogLevel, ServerConfig } from '../config/server-config';
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
    .option('log-level', {
      choices: LOG_LEVELS,
      default: 'log' as LogLevel,
      describe: "log verbosity; llama-server's output is logged at debug",
    })
    .check((argv) => {
      if (!argv.model && !argv.endpoint) throw new Error('either --model or --endpoint is required');
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
    toolFormat: argv['tool-format'],
    toolsPromptStyle: argv['tools-prompt-style'],
    healthTimeoutMs: argv['health-timeout'] * 1000,
    cacheDir: cacheRoot(),
    logLevel: argv['log-level'],
  };
}
