import { EmbeddingResult } from '../embeddings/embedding.service';

/** One `Embedding` of `CreateEmbeddingResponse`: floats, or base64 of little-endian float32. */
export interface EmbeddingData {
  object: 'embedding';
  index: number;
  embedding: number[] | string;
}

/** `CreateEmbeddingResponse`. */
export interface EmbeddingResponse {
  object: 'list';
  model: string;
  data: EmbeddingData[];
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * Embeddings as OpenAI's `CreateEmbeddingResponse`: one `data` entry per input in input order;
 * with `encoding_format: "base64"` each vector is the base64 of its float32 values, little-endian
 * (as OpenAI sends them and its SDKs decode them).
 */
export function toEmbeddingResponse(result: EmbeddingResult, format: 'float' | 'base64' = 'float'): EmbeddingResponse {
  return {
    object: 'list',
    model: result.model,
    data: result.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? float32Base64(vector) : vector,
    })),
    usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
  };
}

/** The base64 of `values` as little-endian float32. */
export function float32Base64(values: number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
