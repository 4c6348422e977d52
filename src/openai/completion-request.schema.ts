import {
  LLAMA_CPP_OUTPUT_PROPERTIES,
  LLAMA_CPP_SAMPLING_PROPERTIES,
  OPENAI_SAMPLING_PROPERTIES,
} from './chat-completion-request.schema';

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
/** A non-empty array of token ids (llama.cpp's `llama_token` is a 32-bit integer). */
export const TOKEN_IDS = {
  type: 'array',
  minItems: 1,
  items: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 },
};

/**
 * JSON Schema (2020-12, for ajv) of the (legacy) Completions request this service accepts: the
 * fields of OpenAI's `CreateCompletionRequest` with OpenAI's ranges — `prompt` as a string, an
 * array of strings, an array of token ids or an array of token-id arrays — plus llama.cpp's
 * `grammar`, `json_schema` and sampling extras under their own names. Unknown fields are ignored.
 */
export const COMPLETION_REQUEST_SCHEMA = {
  type: 'object',
  required: ['prompt'],
  properties: {
    model: { type: 'string' },
    prompt: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' } },
        TOKEN_IDS,
        { type: 'array', minItems: 1, items: TOKEN_IDS },
      ],
    },
    suffix: nullable({ type: 'string' }),
    echo: nullable({ type: 'boolean' }),
    logprobs: nullable({ type: 'integer', minimum: 0, maximum: 5 }),
    best_of: nullable({ type: 'integer', minimum: 0, maximum: 20 }),
    ...OPENAI_SAMPLING_PROPERTIES,
    user: { type: 'string' },
    ...LLAMA_CPP_OUTPUT_PROPERTIES,
    ...LLAMA_CPP_SAMPLING_PROPERTIES,
  },
} as const;
