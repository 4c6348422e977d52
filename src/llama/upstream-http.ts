import { Agent, IncomingMessage, OutgoingHttpHeaders, request } from 'node:http';
import { finished } from 'node:stream/promises';
import { QueueFullError } from './slot-scheduler';
import { UpstreamResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from './upstream-errors';

/**
 * The longest a pooled connection stays idle, in ms: under llama-server's keep-alive timeout
 * (cpp-httplib's `CPPHTTPLIB_KEEPALIVE_TIMEOUT_SECOND`, 5 s), for an upstream that sends no hint.
 */
const IDLE_CONNECTION_MS = 4000;

/** One HTTP request to llama-server. */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Serialised as the JSON body (`content-type: application/json`); none when absent. */
  body?: unknown;
  /** Sent as `Authorization: Bearer <apiKey>` (llama-server's `--api-key`). */
  apiKey?: string;
  /** Aborts the request, also while its answer is being read. */
  signal?: AbortSignal;
  /**
   * The answer is a stream (SSE): llama-server closes the connection after it, so it goes out on a
   * connection of its own (`Connection: close`), never on a pooled one that close would race.
   */
  stream?: boolean;
}

/**
 * The HTTP transport to llama-server: Node's `http` client over one keep-alive connection pool
 * (cheaper than `fetch`: measured against llama-server, `fetch` took 1.6 ms of CPU per
 * non-streamed request, this 0.66 ms); idle pooled connections close 1 s before llama-server's
 * `Keep-Alive: timeout=5` hint says it closes them, and never keep the process alive; a request on
 * a pooled connection that llama-server closes before answering is sent once more on a connection
 * of its own. Answers are read as UTF-8 text.
 *
 * Errors: `UpstreamUnavailableError` when llama-server cannot be reached or the connection breaks
 * (an abort through `signal` included: the caller knows why it aborted); `UpstreamResponseError`
 * (llama-server's status and its `error.message`) for an error status.
 */
export class UpstreamHttp {
  // Node applies a server's `Keep-Alive: timeout=N` hint (closing an idle connection after N − 1 s)
  // only when the agent has a `timeout` of its own (`Agent.prototype.keepSocketAlive`); without one
  // a pooled connection stays until llama-server closes it, and a request sent on it just then fails
  // with "socket hang up" (measured: 2 of 60 requests sent 4.97 to 5.03 s after the previous one).
  // On a request in flight the timeout only emits 'timeout', which nothing here listens for.
  private readonly pooled = new Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
  private readonly single = new Agent({ keepAlive: false });

  /** Sends `init` to `url` and resolves with the answer's head once its status is a success. */
  async send(url: string, init: UpstreamRequest): Promise<IncomingMessage> {
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    const headers: OutgoingHttpHeaders = {};
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (init.apiKey) headers.authorization = `Bearer ${init.apiKey}`;
    let response: IncomingMessage;
    try {
      response = await this.exchange(url, init, headers, payload, init.stream ? this.single : this.pooled);
    } catch (error) {
      if (!(error instanceof ClosedPooledConnectionError)) throw error;
      response = await this.exchange(url, init, headers, payload, this.single);
    }
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      throw new UpstreamResponseError(status, upstreamMessage(await readText(response)));
    }
    return response;
  }

  /**
   * One request on `agent`, resolving with the answer's head. A pooled connection that breaks
   * before any answer (`ECONNRESET`, "socket hang up") rejects with `ClosedPooledConnectionError`:
   * llama-server closed it as the request went out, as any keep-alive server may, and the caller
   * sends it once more on a connection of its own (the way Node's `request.reusedSocket` docs
   * advise).
   */
  private exchange(
    url: string,
    init: UpstreamRequest,
    headers: OutgoingHttpHeaders,
    payload: string | undefined,
    agent: Agent,
  ): Promise<IncomingMessage> {
    return new Promise<IncomingMessage>((resolve, reject) => {
      const signal = init.signal;
      if (signal?.aborted) return reject(toUpstreamError(signal.reason));
      let answer: IncomingMessage | undefined;
      const outgoing = request(url, { method: init.method, headers, agent }, (incoming) => {
        answer = incoming;
        resolve(incoming);
      });
      // an abort after the whole answer has arrived must not touch the (pooled) connection
      const onAbort = () => {
        if (!answer?.complete) outgoing.destroy(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.once('close', () => signal?.removeEventListener('abort', onAbort));
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        const closedPooled = outgoing.reusedSocket && !answer && !signal?.aborted && error.code === 'ECONNRESET';
        reject(closedPooled ? new ClosedPooledConnectionError() : toUpstreamError(error));
      });
      outgoing.end(payload);
    });
  }

  /** The answer's body parsed as JSON. */
  async json<T>(response: IncomingMessage): Promise<T> {
    const text = await readText(response);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new UpstreamUnavailableError(`llama-server answered with invalid JSON: ${text.slice(0, 200)}`);
    }
  }

  /**
   * Calls `onText` with the answer's body as UTF-8 text pieces, as they arrive (multi-byte
   * characters kept whole), and resolves once it has ended. Driven by the stream's `data` events,
   * not an async iterator: this runs once per streamed token, and an iterator costs promises per
   * piece. An exception from `onText` ends the read with that exception.
   */
  async forEachText(response: IncomingMessage, onText: (text: string) => void): Promise<void> {
    response.setEncoding('utf8');
    response.on('data', (text: string) => {
      try {
        onText(text);
      } catch (error) {
        response.destroy(error as Error);
      }
    });
    try {
      await finished(response);
    } catch (error) {
      throw toUpstreamError(error);
    }
  }
}

/** A reused keep-alive connection closed by the server before any answer (see `exchange`). */
class ClosedPooledConnectionError extends Error {}

async function readText(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  try {
    for await (const chunk of response) text += chunk as string;
  } catch (error) {
    throw toUpstreamError(error);
  }
  return text;
}

/** llama-server's `{"error":{"message"}}`, else the whole text. */
function upstreamMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    return parsed.error?.message ?? text;
  } catch {
    return text;
  }
}

/** Our upstream errors pass; anything else (socket errors, aborts) means llama-server is unreachable. */
export function toUpstreamError(error: unknown): Error {
  if (
    error instanceof UpstreamResponseError ||
    error instanceof UpstreamUnavailableError ||
    error instanceof UpstreamTimeoutError ||
    error instanceof QueueFullError
  ) {
    return error;
  }
  return new UpstreamUnavailableError(`llama-server unreachable: ${(error as Error).message}`);
}
