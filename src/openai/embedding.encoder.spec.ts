import { float32Base64, toEmbeddingResponse } from './embedding.encoder';

describe('embedding encoding', () => {
  const result = { model: 'e', vectors: [[0.5, -1], [0.25, 2]], promptTokens: 7 };

  it('encodes vectors in input order with usage', () => {
    expect(toEmbeddingResponse(result)).toEqual({
      object: 'list',
      model: 'e',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -1] },
        { object: 'embedding', index: 1, embedding: [0.25, 2] },
      ],
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  });

  it('encodes base64 as little-endian float32, as OpenAI does', () => {
    // 0.5 = 0x3f000000, -1 = 0xbf800000
    expect(Buffer.from(float32Base64([0.5, -1]), 'base64')).toEqual(Buffer.from([0, 0, 0, 0x3f, 0, 0, 0x80, 0xbf]));
    expect(toEmbeddingResponse(result, 'base64').data[1].embedding).toBe(float32Base64([0.25, 2]));
  });
});
