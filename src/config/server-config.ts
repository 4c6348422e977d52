import type { RequestLimits } from '../limits/request-limits';
import type { ToolFormatName } from '../tool-formats';
import type { ToolsPromptStyle } from '../tool-formats/tool-format';

/**
 * The service's configuration, one typed object built from CLI flags and environment. Field names
 * mirror llama-server's flags (tools/server/README.md): `model` is `-m/--model`, `ctxSize` is
 * `-c/--ctx-size`, `parallel` is `-np/--parallel`, and so on.
 */
export interface ServerConfig {
  /** GGUF model to serve (`-m/--model`); optional only with `endpoint`. */
  model?: string;
  /** Use an already running llama-server at this URL instead of spawning one (`--endpoint`). */
  endpoint?: string;
  /** llama-server binary (`--llama-server`, env `LLAMA_SERVER`); otherwise located or built. */
  llamaServer?: string;
  /** Address and port our OpenAI API listens on (`--host`, `--port`). */
  host: string;
  port: number;
  /** Model id reported by the API (`--alias`); default: GGUF `general.name`, else file name. */
  alias?: string;
  /** Jinja chat template overriding the model's own (`--chat-template-file`). */
  chatTemplateFile?: string;
  /** Context size in tokens (`-c/--ctx-size`), passed to llama-server. */
  ctxSize?: number;
  /** Number of parallel slots (`-np/--parallel`), passed to llama-server. */
  parallel?: number;
  /** Layers to offload to the GPU (`-ngl/--n-gpu-layers`), passed to llama-server. */
  nGpuLayers?: string;
  /** CPU threads (`-t/--threads`), passed to llama-server. */
  threads?: number;
  /** Extra llama-server arguments, verbatim (everything after `--`). */
  llamaServerArgs: string[];
  /**
   * Serve `/v1/embeddings` with the chat model, in a second llama-server started with `--embedding`
   * (`--embedding`; a llama-server started so serves nothing else).
   */
  embedding?: boolean;
  /** Serve `/v1/embeddings` with this GGUF, in a second llama-server started with `--embedding` (`--embedding-model`). */
  embeddingModel?: string;
  /** Pooling of the embedding llama-server (`--pooling`); default: the embedding model's own, `mean` for the chat model. */
  pooling?: PoolingType;
  /** Tool-call format to use instead of the one detected from the chat template (`--tool-format`). */
  toolFormat?: ToolFormatName;
  /** How the generic tool format describes tools in the system prompt (`--tools-prompt-style`). */
  toolsPromptStyle: ToolsPromptStyle;
  /** How long to wait for llama-server's `/health` at start-up, in ms. */
  healthTimeoutMs: number;
  /** Cache root for source, builds and demo models. */
  cacheDir: string;
  /** Requests that may wait for a free slot (`--queue-size`); beyond it 429. Default 4 × slots. */
  queueSize?: number;
  /**
   * Upstream timeout in ms (`--timeout`, seconds on the command line, as llama-server's `-to`): the
   * longest llama-server may stay silent — before the first byte of its answer, or between two
   * streamed events — before the request is aborted with 504.
   */
  timeoutMs: number;
  /** On SIGTERM/SIGINT, how long in-flight requests may take to finish, in ms (`--shutdown-grace`). */
  shutdownGraceMs: number;
  /** Log verbosity of the service (`--log-level`); llama-server's output is logged at `debug`. */
  logLevel: LogLevel;
  /** Log lines as JSON objects (pino) or as readable text (pino-pretty) (`--log-format`); default text. */
  logFormat?: LogFormat;
  /**
   * Keys clients must send as `Authorization: Bearer <key>` (`--api-key`, `--api-key-file`, env
   * `LLAMA_API_KEY`, as llama-server); none or empty: no authentication.
   */
  apiKeys?: string[];
  /** Key sent to the `--endpoint` llama-server as `Authorization: Bearer` (`--endpoint-api-key`). */
  endpointApiKey?: string;
  /** Request caps (`--max-body-size`, `--max-tokens-limit`, …); unset ones take their defaults. */
  limits?: Partial<RequestLimits>;
}

/** Log line formats of `--log-format`. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** llama-server's `--pooling` types (pooled ones; `none` gives per-token vectors, not OpenAI's shape). */
export const POOLING_TYPES = ['mean', 'cls', 'last'] as const;
export type PoolingType = (typeof POOLING_TYPES)[number];

/** Log levels, most verbose last (Nest's LogLevel names). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Injection token of the `ServerConfig`. */
export const SERVER_CONFIG = Symbol('ServerConfig');

/** The llama-server arguments implied by a config (our flags first, then the verbatim ones). */
export function llamaServerArgs(config: ServerConfig): string[] {
  const args: string[] = [];
  if (config.ctxSize !== undefined) args.push('--ctx-size', String(config.ctxSize));
  if (config.parallel !== undefined) args.push('--parallel', String(config.parallel));
  if (config.nGpuLayers !== undefined) args.push('--n-gpu-layers', config.nGpuLayers);
  if (config.threads !== undefined) args.push('--threads', String(config.threads));
  return [...args, ...config.llamaServerArgs];
}
