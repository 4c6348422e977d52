import { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error';
import { ApiKeyVerifier, bearerToken } from './api-keys';

/** Paths answered without a key: liveness probes of load balancers and orchestrators. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health']);

/** The challenge of a 401 (RFC 6750 §3). */
const CHALLENGE = { 'www-authenticate': 'Bearer' };

/**
 * The 401 for a request without a valid key, as OpenAI answers it (`invalid_request_error`,
 * code `invalid_api_key`, with `WWW-Authenticate: Bearer`), or `undefined` when the request may pass: authentication is off, the
 * path is public, or `Authorization: Bearer <key>` carries a configured key.
 */
export function authenticate(request: Pick<FastifyRequest, 'url' | 'headers'>, verifier: ApiKeyVerifier): ApiError | undefined {
  if (!verifier.enabled) return undefined;
  const path = request.url.split('?', 1)[0];
  if (PUBLIC_PATHS.has(path)) return undefined;
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) {
    return new ApiError(
      'invalid_api_key',
      "You didn't provide an API key. Provide it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).",
      null,
      CHALLENGE,
    );
  }
  if (!verifier.accepts(token)) return new ApiError('invalid_api_key', 'Incorrect API key provided.', null, CHALLENGE);
  return undefined;
}

/**
 * Guards every route of the Fastify instance (Nest controllers and anything registered directly)
 * with `authenticate`, in a `preParsing` hook: after the request id and request logging
 * (`onRequest`), before the body is read. The refusal is thrown, so the one exception filter
 * writes it.
 */
export function registerApiKeyAuth(fastify: FastifyInstance, verifier: ApiKeyVerifier): void {
  if (!verifier.enabled) return;
  fastify.addHook('preParsing', async (request) => {
    const refusal = authenticate(request, verifier);
    if (refusal) throw refusal;
  });
}
