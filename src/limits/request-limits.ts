import type { ServerConfig } from '../config/server-config';
import { ApiError } from '../errors/api-error';

/**
 * Caps on what one request may ask for, each set by a `serve` flag. Exceeding one is answered
 * with a 400 (413 for the body) in OpenAI's error shape before any work is done.
 */
export interface RequestLimits {
  /** Largest request body, in bytes (`--max-body-size`); larger bodies get 413 `payload_too_large`. */
  maxBodyBytes: number;
  /** Largest `max_tokens` / `max_completion_tokens` / `max_output_tokens` (`--max-tokens-limit`). */
  maxTokens: number;
  /** Most entries of `messages`, or of a Responses `input` (`--max-messages`). */
  maxMessages: number;
  /** Most entries of `tools` (`--max-tools`; OpenAI's own limit is 128). */
  maxTools: number;
  /**
   * Largest JSON Schema of one tool or `response_format` / `text.format`, in bytes of its JSON text
   * (`--max-schema-size`).
   */
  maxSchemaBytes: number;
}

/** Defaults of `RequestLimits`. */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxTokens: 32_768,
  maxMessages: 2_048,
  maxTools: 128,
  maxSchemaBytes: 64 * 1024,
};

/** The request fields the limits look at (as in OpenAI Chat Completions and legacy Completions). */
export interface LimitedRequest {
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  messages?: unknown[];
  tools?: Array<{ function?: { parameters?: unknown } }> | null;
  response_format?: { json_schema?: unknown; schema?: unknown } | null;
  json_schema?: unknown;
}

/**
 * Checks a request (already validated against its OpenAI schema) against `limits`.
 *
 * @throws ApiError `integer_above_max_value` naming `max_tokens` / `max_completion_tokens`,
 *   `array_above_max_length` naming `messages` / `tools`, `schema_above_max_size` naming the
 *   schema (`tools[2].function.parameters`, `response_format.json_schema.schema`, `json_schema`),
 *   all 400
 */
export function checkRequestLimits(request: LimitedRequest, limits: RequestLimits): void {
  checkMaxTokens('max_tokens', request.max_tokens, limits.maxTokens);
  checkMaxTokens('max_completion_tokens', request.max_completion_tokens, limits.maxTokens);
  checkLength('messages', request.messages, limits.maxMessages);
  checkLength('tools', request.tools ?? undefined, limits.maxTools);
  (request.tools ?? []).forEach((tool, index) =>
    checkSchemaSize(`tools[${index}].function.parameters`, tool.function?.parameters, limits.maxSchemaBytes),
  );
  const format = request.response_format;
  const jsonSchema = format?.json_schema as { schema?: unknown } | null | undefined;
  checkSchemaSize('response_format.json_schema.schema', jsonSchema?.schema, limits.maxSchemaBytes);
  checkSchemaSize('response_format.schema', format?.schema, limits.maxSchemaBytes);
  checkSchemaSize('json_schema', request.json_schema, limits.maxSchemaBytes);
}

/** The fields of an OpenAI Responses request the limits look at. */
export interface LimitedResponseRequest {
  max_output_tokens?: number | null;
  input: string | unknown[];
  tools?: Array<{ parameters?: unknown }>;
  text?: { format?: object } | null;
}

/**
 * Checks a Responses request (already validated against its schema) against `limits`, as
 * `checkRequestLimits` does a chat request: `max_output_tokens`, the `input` items as messages,
 * `tools`, and each schema (`tools[2].parameters`, `text.format.schema`).
 *
 * @throws ApiError `integer_above_max_value`, `array_above_max_length` or `schema_above_max_size`
 *   naming the field, all 400
 */
export function checkResponseRequestLimits(request: LimitedResponseRequest, limits: RequestLimits): void {
  checkMaxTokens('max_output_tokens', request.max_output_tokens, limits.maxTokens);
  checkLength('input', Array.isArray(request.input) ? request.input : undefined, limits.maxMessages);
  checkLength('tools', request.tools, limits.maxTools);
  (request.tools ?? []).forEach((tool, index) =>
    checkSchemaSize(`tools[${index}].parameters`, tool.parameters, limits.maxSchemaBytes),
  );
  const format = request.text?.format as { schema?: unknown } | undefined;
  checkSchemaSize('text.format.schema', format?.schema, limits.maxSchemaBytes);
}

function checkMaxTokens(param: string, value: number | null | undefined, max: number): void {
  if (typeof value === 'number' && value > max) {
    throw new ApiError(
      'integer_above_max_value',
      `Invalid '${param}': ${value} is above this server's limit of ${max} tokens.`,
      param,
    );
  }
}

function checkLength(param: string, array: unknown[] | undefined, max: number): void {
  if (array && array.length > max) {
    throw new ApiError(
      'array_above_max_length',
      `Invalid '${param}': array too long. Expected an array with maximum length ${max}, but got an array with length ${array.length} instead.`,
      param,
    );
  }
}

function checkSchemaSize(param: string, schema: unknown, maxBytes: number): void {
  if (schema === undefined || schema === null) return;
  const bytes = jsonBytes(schema);
  if (bytes > maxBytes) {
    const size = Number.isFinite(bytes) ? `${bytes} bytes of JSON` : 'nested too deeply to measure';
    throw new ApiError(
      'schema_above_max_size',
      `Invalid '${param}': the schema is ${size}, above this server's limit of ${maxBytes} bytes.`,
      param,
    );
  }
}

/** Bytes of `value`'s JSON text; `Infinity` when it is nested too deeply to serialise. */
function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch (error) {
    if (error instanceof RangeError) return Infinity;
    throw error;
  }
}

/** The limits of a config: its own, the defaults for the rest. */
export function requestLimitsOf(config: Pick<ServerConfig, 'limits'>): RequestLimits {
  return { ...DEFAULT_REQUEST_LIMITS, ...config.limits };
}
