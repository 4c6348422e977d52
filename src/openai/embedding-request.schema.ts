import { TOKEN_IDS } from './completion-request.schema';

/**
 * JSON Schema (2020-12, for ajv) of the Embeddings request this service accepts: the fields of
 * OpenAI's `CreateEmbeddingRequest` — `input` as a non-empty string, up to 2048 strings, a token-id
 * array or up to 2048 token-id arrays; `encoding_format` `float` or `base64`. Unknown fields are
 * ignored.
 */
export const EMBEDDING_REQUEST_SCHEMA = {
  type: 'object',
  required: ['input'],
  properties: {
    model: { type: 'string' },
    input: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, maxItems: 2048, items: { type: 'string', minLength: 1 } },
        TOKEN_IDS,
        { type: 'array', minItems: 1, maxItems: 2048, items: TOKEN_IDS },
      ],
    },
    encoding_format: { enum: ['float', 'base64'] },
    dimensions: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
    user: { type: 'string' },
  },
} as const;

/** `CreateEmbeddingRequest`, the fields read. */
export interface EmbeddingRequest {
  model?: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number | null;
  user?: string;
}
