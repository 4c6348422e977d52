import fastifySse from '@fastify/sse';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyReply } from 'fastify';

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
