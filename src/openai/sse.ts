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
    // one write at a time: `@fastify/sse` waits for `drain` with a listener per write made while the
    // response's buffer is full, so writes issued at once pile listeners up for a slow client
    let sending: Promise<void> = Promise.resolve();
    const send = (message: string | { data: unknown }) => {
      sending = sending
        .then(() => (reply.sse.isConnected ? reply.sse.send(message) : undefined))
        // a client gone mid-write is handled by onClose below; the chain must keep resolving
        .catch(() => undefined);
    };
    const finish = () =>
      void sending.then(() => {
        reply.sse.close();
        resolve();
      });
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
