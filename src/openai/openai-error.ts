import { HttpException, Logger } from '@nestjs/common';
import { ChatTemplateError } from '../chat-template/chat-template';
import { ApiError, ApiErrorCode } from '../errors/api-error';
import { InvalidSchemaError, SchemaConversionError } from '../grammar';
import { QueueFullError } from '../llama/slot-scheduler';
import {
  UpstreamResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../llama/upstream-errors';

const logger = new Logger('Errors');

/** llama-server's message for a prompt longer than the context (tools/server/server-context.cpp). */
const CONTEXT_EXCEEDED = /exceeds the available context size/;

/**
 * llama-server's messages (tools/server/server-context.cpp) for an input that cannot fit one batch
 * or the context (an embedding input; answered with status 500 there).
 */
const INPUT_TOO_LARGE = /is too large to process|is larger than the max context size/;

/** A token id outside the vocabulary reaching llama.cpp's tokenizer (`/detokenize`: status 500 there). */
const TOKEN_OUT_OF_VOCABULARY = /_M_range_check/;

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
  if (error instanceof UpstreamTimeoutError) {
    return new ApiError('upstream_timeout', error.message);
  }
  if (error instanceof QueueFullError) {
    return new ApiError('rate_limit_exceeded', error.message, null, {
      'retry-after': String(error.retryAfterSeconds),
    });
  }
  if (error instanceof UpstreamResponseError) {
    if (CONTEXT_EXCEEDED.test(error.message)) {
      return new ApiError('context_length_exceeded', `llama-server: ${error.message}`, 'messages');
    }
    if (INPUT_TOO_LARGE.test(error.message)) {
      return new ApiError('context_length_exceeded', `llama-server: ${error.message}`);
    }
    if (TOKEN_OUT_OF_VOCABULARY.test(error.message)) {
      return new ApiError('invalid_value', `A token id is outside the model's vocabulary (llama-server: ${error.message}).`);
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
