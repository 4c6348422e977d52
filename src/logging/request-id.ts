import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { FastifyInstance } from 'fastify';

/** The request id header, read from requests and echoed on every response. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Ids taken from clients: 1–128 characters of letters, digits and `-_.:@/+=` (anything else is replaced). */
const ACCEPTED_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The id of a request (Fastify's `genReqId`): the client's `x-request-id` when it is a plausible
 * id, else a new UUID v4.
 */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTED_ID.test(given) ? given : randomUUID();
}

/**
 * Echoes each request's id (`request.id`, see `requestIdOf`) as the `x-request-id` response
 * header. Set on the raw response in the first `onRequest` hook, so every answer carries it
 * (errors, 401s, SSE streams) and the request logger (pino-http) reads it from there.
 */
export function registerRequestIdHeader(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
  });
}
