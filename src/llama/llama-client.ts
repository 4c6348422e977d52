import { IncomingMessage } from 'node:http';
import { createParser, EventSourceMessage } from 'eventsource-parser';
import { Observable } from 'rxjs';
import {
  CompletionRequest,
  CompletionResult,
  DetokenizeRequest,
  DetokenizeResponse,
  EmbeddingsRequest,
  EmbeddingsResult,
  LlamaServerProps,
  TokenizeRequest,
  TokenizeResponse,
} from './completion-types';
import { IdleTimeout } from './idle-timeout';
import { LlamaObserver } from './llama-observer';
import { SlotLease, SlotScheduler } from './slot-scheduler';
import { UpstreamResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from './upstream-errors';
import { toUpstreamError, UpstreamHttp, UpstreamRequest } from './upstream-http';

/** Where the client finds llama-server right now (the port changes when it is restarted). */
export interface UpstreamLocation {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  baseUrl(): string;
  /** False while llama-server is starting, crashed or restarting. */
  isReady(): boolean;
  /** Key llama-server expects as `Authorization: Bearer` (its `--api-key`), if any. */
  apiKey?(): string | undefined;
}

/** How the client schedules and times `/completion` requests. */
export interface LlamaClientOptions {
  /**
   * llama-server's slots: every `/completion` request first takes a slot lease (waiting in its
   * queue when all are busy) and sends the slot as `id_slot`, so prompts reuse the slot's cache.
   */
  slots?: SlotScheduler;
  /**
   * Upstream timeout in ms: the longest llama-server may stay silent (before the first byte of its
   * answer, or between two streamed events) before the request is aborted with
   * `UpstreamTimeoutError`. None when absent.
   */
  timeoutMs?: number;
  /** Told about first tokens and finished completions (metrics). */
  observer?: LlamaObserver;
}

/** How long `healthy()` waits for llama-server's `/health`, in ms. */
const HEALTH_PROBE_TIMEOUT_MS = 5000;

/**
 * The fields of a `/completion` result we read, sent as its `response_fields` (per llama.cpp
 * tools/server/README.md): llama-server leaves the rest of its final result out — the prompt, the
 * generation settings with the whole grammar, the token ids — which it would serialise and we
 * parse on every request.
 */
const RESULT_FIELDS = [
  'content',
  'stop',
  'stop_type',
  'stopping_word',
  'tokens_predicted',
  'tokens_evaluated',
  'truncated',
  'timings',
  'completion_probabilities',
] satisfies Array<keyof CompletionResult>;

/**
 * HTTP client of llama-server's native API (per llama.cpp tools/server/README.md): `POST
 * /completion` whole or streamed (SSE), `POST /tokenize`, `POST /detokenize`, `POST /embeddings`,
 * `GET /props`, `GET /health`, over `UpstreamHttp`.
 *
 * Every method throws/emits `UpstreamUnavailableError` when llama-server is not ready or cannot be
 * reached, and `UpstreamResponseError` (with llama-server's status and message) when it answers
 * with an error. `/completion` requests also fail with `QueueFullError` (every slot busy, queue
 * full) and `UpstreamTimeoutError` (llama-server silent for longer than `timeoutMs`).
 */
export class LlamaClient {
  constructor(
    private readonly upstream: UpstreamLocation,
    private readonly options: LlamaClientOptions = {},
  ) {}

  private readonly http = new UpstreamHttp();

  /**
   * `POST /completion` without streaming, on a slot of the scheduler (held until the answer has
   * been read, or `signal` aborts).
   */
  async complete(body: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
    const lease = await this.acquireSlot(body, signal);
    const idle = new IdleTimeout(this.options.timeoutMs, signal);
    try {
      const request = { ...body, ...slotOf(lease), stream: false, response_fields: RESULT_FIELDS };
      const result = await this.http.json<CompletionResult>(await this.post('/completion', request, idle.signal));
      this.options.observer?.completionFinished(result);
      return result;
    } catch (error) {
      throw idle.timedOut ? new UpstreamTimeoutError(this.options.timeoutMs!) : error;
    } finally {
      idle.dispose();
      lease?.release();
    }
  }

  /**
   * `POST /completion` with `stream: true`, on a slot of the scheduler: one emission per SSE
   * event, completing after the event with `stop: true`. Unsubscribing before that event aborts the
   * upstream request (or leaves the queue); the slot is freed at once either way, and after it the
   * rest of the answer (the stream's end) is read, not aborted.
   */
  completeStream(body: CompletionRequest): Observable<CompletionResult> {
    return new Observable<CompletionResult>((subscriber) => {
      const abort = new AbortController();
      let lease: SlotLease | undefined;
      let sentAt: number | undefined;
      let ended = false;
      const parser = createParser({
        onEvent: (event: EventSourceMessage) => {
          const data = JSON.parse(event.data) as CompletionResult | { error: { message: string; code?: number } };
          if ('error' in data) {
            subscriber.error(new UpstreamResponseError(data.error.code ?? 500, data.error.message));
            return;
          }
          if (sentAt !== undefined) {
            this.options.observer?.firstToken((performance.now() - sentAt) / 1000);
            sentAt = undefined;
          }
          if (data.stop) {
            ended = true;
            this.options.observer?.completionFinished(data);
          }
          subscriber.next(data);
          if (data.stop) subscriber.complete();
        },
      });
      (async () => {
        lease = await this.acquireSlot(body, abort.signal);
        const idle = new IdleTimeout(this.options.timeoutMs, abort.signal);
        try {
          const request = { ...body, ...slotOf(lease), stream: true, response_fields: RESULT_FIELDS };
          sentAt = performance.now();
          const init = { method: 'POST', body: request, signal: idle.signal, stream: true } as const;
          const response = await this.request('/completion', init);
          await this.http.forEachText(response, (text) => {
            idle.touch();
            parser.feed(text);
          });
        } catch (error) {
          throw idle.timedOut ? new UpstreamTimeoutError(this.options.timeoutMs!) : error;
        } finally {
          idle.dispose();
        }
        if (!subscriber.closed) {
          subscriber.error(new UpstreamUnavailableError('llama-server closed the stream early'));
        }
      })()
        .catch((error: unknown) => {
          if (!abort.signal.aborted) subscriber.error(toUpstreamError(error));
        })
        .finally(() => lease?.release());
      // after the final event the slot is free and only the stream's end is left to read: reading it
      // costs less than an abort (a DOMException with a stack, a destroyed socket) per request
      return () => {
        if (!ended) abort.abort();
        lease?.release();
      };
    });
  }

  /**
   * `GET /props`: the loaded model's chat template, BOS/EOS strings, slots (typed: the fields we
   * read; the object is llama-server's whole answer).
   */
  async props(): Promise<LlamaServerProps> {
    return this.http.json<LlamaServerProps>(await this.request('/props', { method: 'GET' }));
  }

  /**
   * `POST /tokenize` (`content` string or mixed array; `add_special`, `parse_special`,
   * `with_pieces`), answered as llama-server answers it: `{ tokens }`.
   */
  async tokenize(body: TokenizeRequest, signal?: AbortSignal): Promise<TokenizeResponse> {
    return this.http.json<TokenizeResponse>(await this.post('/tokenize', body, signal));
  }

  /** `POST /detokenize` (`tokens`): `{ content }`. */
  async detokenize(body: DetokenizeRequest, signal?: AbortSignal): Promise<DetokenizeResponse> {
    return this.http.json<DetokenizeResponse>(await this.post('/detokenize', body, signal));
  }

  /**
   * `POST /embeddings`, llama-server's native (non-OpenAI) embedding endpoint; needs a llama-server
   * started with `--embedding`. One result per prompt of `content`.
   */
  async embeddings(body: EmbeddingsRequest, signal?: AbortSignal): Promise<EmbeddingsResult[]> {
    return this.http.json<EmbeddingsResult[]>(await this.post('/embeddings', body, signal));
  }

  /**
   * Whether llama-server prepends BOS to a string prompt (the model's `add_bos_token`, with
   * llama.cpp's per-tokenizer defaults): `POST /tokenize` of "" with `add_special: true`.
   */
  async addsBosToken(): Promise<boolean> {
    const { tokens } = await this.http.json<{ tokens: number[] }>(
      await this.post('/tokenize', { content: '', add_special: true }),
    );
    return tokens.length > 0;
  }

  /** `GET /health`: true when llama-server answers 200. Never throws. */
  async healthy(): Promise<boolean> {
    try {
      const response = await this.http.send(`${this.upstream.baseUrl()}/health`, {
        method: 'GET',
        signal: AbortSignal.timeout(HEALTH_PROBE_TIMEOUT_MS),
      });
      response.resume();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A slot lease for a `/completion` request (none without a scheduler). A wait ended by `signal`
   * becomes an `UpstreamUnavailableError`, as an aborted upstream request does.
   */
  private async acquireSlot(body: CompletionRequest, signal?: AbortSignal): Promise<SlotLease | undefined> {
    try {
      return await this.options.slots?.acquire(promptKey(body.prompt), signal);
    } catch (error) {
      throw toUpstreamError(error);
    }
  }

  private post(path: string, body: unknown, signal?: AbortSignal): Promise<IncomingMessage> {
    return this.request(path, { method: 'POST', body, signal });
  }

  private request(path: string, init: Omit<UpstreamRequest, 'apiKey'>): Promise<IncomingMessage> {
    if (!this.upstream.isReady()) {
      return Promise.reject(new UpstreamUnavailableError('llama-server is not ready (starting or restarting)'));
    }
    return this.http.send(`${this.upstream.baseUrl()}${path}`, { ...init, apiKey: this.upstream.apiKey?.() });
  }
}

/** The text the slot scheduler compares prompts by (token-id prompts as their decimal list). */
function promptKey(prompt: CompletionRequest['prompt']): string {
  return typeof prompt === 'string' ? prompt : prompt.join(' ');
}

/** The `id_slot` field of a leased request (none without a scheduler). */
function slotOf(lease: SlotLease | undefined): { id_slot?: number } {
  return lease ? { id_slot: lease.id } : {};
}
