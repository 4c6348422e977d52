import fastifySse from '@fastify/sse';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
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

/** How a stream's chunks are named, how it ends and how it fails: Chat Completions' by default. */
export interface SseProtocol {
  /** The SSE `event:` name of a data chunk (OpenAI Responses name each by its `type`); none by default. */
  eventOf?: (data: unknown) => string;
  /** Written last on success: `data: [DONE]` by default; nothing when `null`. */
  done?: string | null;
  /** The data chunk a failure after the first event becomes: OpenAI's `{"error":…}` by default. */
  failure?: (error: unknown) => unknown;
}

/**
 * Forwards a stream of events as SSE, each event encoded into zero or more `data:` chunks by
 * `encode` (told whether it is the first event). Nothing is written until the first event (so a
 * failure before it is an ordinary JSON error response); after that a failure becomes an
 * `{"error":…}` event and the stream closes; success ends with `data: [DONE]`. A client that goes
 * away unsubscribes, which aborts the upstream request. `protocol` changes the chunks' names, the
 * end and the failure chunk.
 */
export function streamAsSse<E>(
  events: Observable<E>,
  encode: (event: E, first: boolean) => unknown[],
  reply: SseReply,
  protocol: SseProtocol = {},
): Promise<void> {
  const { eventOf, done = '[DONE]', failure = (error: unknown) => toOpenAIError(error).toJSON() } = protocol;
  const message = (data: unknown) => (eventOf ? { event: eventOf(data), data } : { data });
  return new Promise<void>((resolve, reject) => {
    let started = false;
    // one write at a time: `@fastify/sse` waits for `drain` with a listener per write made while the
    // response's buffer is full, so writes issued at once pile listeners up for a slow client
    let sending: Promise<void> = Promise.resolve();
    const send = (chunk: string | { data: unknown; event?: string }) => {
      sending = sending
        .then(() => (reply.sse.isConnected ? reply.sse.send(chunk) : undefined))
        // a client gone mid-write is handled by onClose below; the chain must keep resolving
        .catch(() => undefined);
    };
    const finish = () =>
      void sending.then(() => {
        reply.sse.close();
        resolve();
      });
    // encoding inside the pipe: an encoder that throws fails the stream instead of the process
    const subscription = events.pipe(map((event, index) => encode(event, index === 0))).subscribe({
      next: (chunks) => {
        started = true;
        for (const chunk of chunks) send(message(chunk));
      },
      error: (error: unknown) => {
        if (!started) return reject(error);
        send(message(failure(error)));
        finish();
      },
      complete: () => {
        if (done !== null) send(done);
        finish();
      },
    });
    reply.sse.onClose(() => {
      subscription.unsubscribe();
      resolve();
    });
  });
}
