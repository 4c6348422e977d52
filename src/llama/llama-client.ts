import { createParser, EventSourceMessage } from 'eventsource-parser';
import { Observable } from 'rxjs';
import { CompletionRequest, CompletionResult, LlamaServerProps } from './completion-types';
import { UpstreamResponseError, UpstreamUnavailableError } from './upstream-errors';

/** Where the client finds llama-server right now (the port changes when it is restarted). */
export interface UpstreamLocation {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  baseUrl(): string;
  /** False while llama-server is starting, crashed or restarting. */
  isReady(): boolean;
}

/**
 * HTTP client of llama-server's native API (per llama.cpp tools/server/README.md): `POST
 * /completion` whole or streamed (SSE), `GET /props`, `GET /health`. Uses Node's fetch.
 *
 * Every method throws/emits `UpstreamUnavailableError` when llama-server is not ready or cannot be
 * reached, and `UpstreamResponseError` (with llama-server's status and message) when it answers
 * with an error.
 */
export class LlamaClient {
  constructor(private readonly upstream: UpstreamLocation) {}

  /** `POST /completion` without streaming. */
  async complete(body: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
    const response = await this.post('/completion', { ...body, stream: false }, signal);
    return (await response.json()) as CompletionResult;
  }

  /**
   * `POST /completion` with `stream: true`: one emission per SSE event, completing after the
   * event with `stop: true`. Unsubscribing aborts the upstream request.
   */
  completeStream(body: CompletionRequest): Observable<CompletionResult> {
    return new Observable<CompletionResult>((subscriber) => {
      const abort = new AbortController();
      const parser = createParser({
        onEvent: (event: EventSourceMessage) => {
          const data = JSON.parse(event.data) as CompletionResult | { error: { message: string; code?: number } };
          if ('error' in data) {
            subscriber.error(new UpstreamResponseError(data.error.code ?? 500, data.error.message));
            return;
          }
          subscriber.next(data);
          if (data.stop) subscriber.complete();
        },
      });
      (async () => {
        const response = await this.post('/completion', { ...body, stream: true }, abort.signal);
        const decoder = new TextDecoder();
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          parser.feed(decoder.decode(chunk, { stream: true }));
        }
        if (!subscriber.closed) {
          subscriber.error(new UpstreamUnavailableError('llama-server closed the stream early'));
        }
      })().catch((error: unknown) => {
        if (!abort.signal.aborted) subscriber.error(toUpstreamError(error));
      });
      return () => abort.abort();
    });
  }

  /** `GET /props`: the loaded model's chat template, BOS/EOS strings, slots. */
  async props(): Promise<LlamaServerProps> {
    const response = await this.request('/props', { method: 'GET' });
    return (await response.json()) as LlamaServerProps;
  }

  /**
   * Whether llama-server prepends BOS to a string prompt (the model's `add_bos_token`, with
   * llama.cpp's per-tokenizer defaults): `POST /tokenize` of "" with `add_special: true`.
   */
  async addsBosToken(): Promise<boolean> {
    const response = await this.post('/tokenize', { content: '', add_special: true });
    const { tokens } = (await response.json()) as { tokens: number[] };
    return tokens.length > 0;
  }

  /** `GET /health`: true when llama-server answers 200. Never throws. */
  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.upstream.baseUrl()}/health`);
      return response.ok;
    } catch {
      return false;
    }
  }

  private post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    if (!this.upstream.isReady()) {
      throw new UpstreamUnavailableError('llama-server is not ready (starting or restarting)');
    }
    let response: Response;
    try {
      response = await fetch(`${this.upstream.baseUrl()}${path}`, init);
    } catch (error) {
      throw toUpstreamError(error);
    }
    if (!response.ok) {
      const text = await response.text();
      throw new UpstreamResponseError(response.status, upstreamMessage(text));
    }
    return response;
  }
}

function upstreamMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    return parsed.error?.message ?? text;
  } catch {
    return text;
  }
}

function toUpstreamError(error: unknown): Error {
  if (error instanceof UpstreamResponseError || error instanceof UpstreamUnavailableError) {
    return error;
  }
  return new UpstreamUnavailableError(`llama-server unreachable: ${(error as Error).message}`);
}
