import fastifySse from '@fastify/sse';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyReply } from 'fastify';
import { Observable } from 'rxjs';
import { toOpenAIError } from './openai-error';

/**
 * Marks a Nest route as a `@fastify/sse` route of kind `manual`: `reply.sse` is always attached and
 * the handler decides from the request body (OpenAI's `stream: true`) whether to stream.
 */
export const SseRoute = () => RouteConfig({ sse: 'manual' });

/**
 * Registers `@fastify/sse` on the Fastify instance behind Nest. Nest passes route options only via
 * `config`, so an `onRoute` hook, added before the plugin's own, lifts `config.sse` into the route
 * option the plugin reads.
 */
export async function registerSse(fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onRoute', (route) => {
    const sse = (route.config as { sse?: unknown } | undefined)?.sse;
    if (sse !== undefined) (route as { sse?: unknown }).sse = sse;
  });
  await fastify.register(fastifySse, { heartbeatInterval: 15000 });
}

/** The `@fastify/sse` context on a reply of an `SseRoute`. */
export type SseReply = FastifyReply & { sse: NonNullable<FastifyReply['sse']> };

type SseMessage = string | { data: unknown };

/**
 * Writes SSE messages through `@fastify/sse` in call order, each to the socket at once. The plugin
 * waits for `drain` with a listener per write made while the response's buffer is full, so while
 * one such write waits, later messages wait in a queue here: a slow client costs queued messages,
 * never piled-up listeners. `close` ends the response once the queue is written.
 */
class SseWriter {
  private readonly queue: SseMessage[] = [];
  private draining = false;
  private closed?: () => void;

  constructor(private readonly reply: SseReply) {}

  send(message: SseMessage): void {
    if (this.draining) this.queue.push(message);
    else this.write(message);
  }

  /** Resolves once the response is ended (not when the client is gone meanwhile: see onClose). */
  close(): Promise<void> {
    if (!this.draining) {
      this.reply.sse.close();
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.closed = resolve));
  }

  private write(message: SseMessage): void {
    if (!this.reply.sse.isConnected) return;
    // rejects only when the connection closed meanwhile, which the stream's onClose handles
    const written = this.reply.sse.send(message).catch(() => undefined);
    if (!this.reply.raw.writableNeedDrain) return;
    this.draining = true;
    void written.then(() => this.flush());
  }

  private flush(): void {
    this.draining = false;
    while (!this.draining && this.queue.length > 0) this.write(this.queue.shift()!);
    if (this.draining || !this.closed) return;
    this.reply.sse.close();
    this.closed();
  }
}

/**
 * Forwards a stream of events as SSE, each event encoded into zero or more `data:` chunks by
 * `encode` (told whether it is the first event). Nothing is written until the first event (so a
 * failure before it is an ordinary JSON error response); after that a failure becomes an
 * `{"error":…}` event and the stream closes; success ends with `data: [DONE]`. A client that goes
 * away unsubscribes, which aborts the upstream request.
 */
export function streamAsSse<E>(
  events: Observable<E>,
  encode: (event: E, first: boolean) => unknown[],
  reply: SseReply,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let started = false;
    const writer = new SseWriter(reply);
    const send = (message: SseMessage) => writer.send(message);
    // the handler must not return before the response ends: `@fastify/sse` closes it then
    const finish = () => void writer.close().then(resolve);
    const subscription = events.subscribe({
      next: (event) => {
        const first = !started;
        started = true;
        for (const chunk of encode(event, first)) send({ data: chunk });
      },
      error: (error: unknown) => {
        if (!started) return reject(error);
        send({ data: toOpenAIError(error).toJSON() });
        finish();
      },
      complete: () => {
        send('[DONE]');
        finish();
      },
    });
    reply.sse.onClose(() => {
      subscription.unsubscribe();
      resolve();
    });
  });
}
