import { HttpException, Logger } from '@nestjs/common';
import { ChatTemplateError } from '../chat-template/chat-template';
import { ApiError, ApiErrorCode } from '../errors/api-error';
import { InvalidSchemaError, SchemaConversionError } from '../grammar';
import { UpstreamResponseError, UpstreamUnavailableError } from '../llama/upstream-errors';

const logger = new Logger('Errors');

/** llama-server's message for a prompt longer than the context (tools/server/server-context.cpp). */
const CONTEXT_EXCEEDED = /exceeds the available context size/;

/** Fastify's own request errors (`FST_ERR_*`), by the status they carry. */
const FASTIFY_STATUS_CODES: Record<number, ApiErrorCode> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * Maps any error to the `ApiError` the client sees (the single place where errors typed at their
 * source become OpenAI errors). Unknown errors become a 500 `internal_error` and are logged with
 * their stack; they are bugs.
 */
export function toOpenAIError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ChatTemplateError) {
    return new ApiError('chat_template_error', error.message, 'messages');
  }
  if (error instanceof SchemaConversionError) {
    return new ApiError('unsupported_schema', `The schema cannot be enforced exactly: ${error.message}`);
  }
  if (error instanceof InvalidSchemaError) {
    return new ApiError('invalid_schema', `Invalid schema: ${error.message}`);
  }
  if (error instanceof UpstreamUnavailableError) {
    return new ApiError('upstream_unavailable', error.message);
  }
  if (error instanceof UpstreamResponseError) {
    if (CONTEXT_EXCEEDED.test(error.message)) {
      return new ApiError('context_length_exceeded', `llama-server: ${error.message}`, 'messages');
    }
    return error.status >= 400 && error.status < 500
      ? new ApiError('upstream_rejected', `llama-server: ${error.message}`)
      : new ApiError('upstream_error', `llama-server failed (${error.status}): ${error.message}`);
  }
  if (error instanceof HttpException) {
    return fromStatus(error.getStatus(), error.message);
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return fromStatus(status, (error as Error).message);
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return new ApiError('internal_error', 'Internal server error.');
}

function fromStatus(status: number, message: string): ApiError {
  if (status === 400 && /JSON/i.test(message)) {
    return new ApiError('invalid_json', `The request body is not valid JSON: ${message}`);
  }
  return new ApiError(FASTIFY_STATUS_CODES[status] ?? 'invalid_request', message);
}
