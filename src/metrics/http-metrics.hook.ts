import { FastifyInstance } from 'fastify';
import { MetricsService } from './metrics.service';

/** Route label of requests that matched no route (keeps the label set bounded). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts every answered request and its duration (`MetricsService.observeRequest`) in an
 * `onResponse` hook, labelled with the route pattern (`/v1/chat/completions`), never the raw URL.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}
