import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import { GGMLQuantizationType, GGUFValueType, gguf, type GGUFTypedMetadata } from '@huggingface/gguf';

import { testAssets } from '../../test/support/test-assets';
import { TINY_MODEL_HPARAMS, createTinyModel, float32ToFloat16Bits } from './tiny-model';

/** llama.cpp's qwen2 vocab-only GGUF, from the source checkout provisioned by the global setup. */
function vocabGgufPath(): string {
  return path.join(testAssets().llamaCppDir, 'models', 'ggml-vocab-qwen2.gguf');
}

const CHAT_TEMPLATE =
  "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n" +
  '{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}';

type TypedKv = { value: unknown; type: GGUFValueType; subType?: GGUFValueType };
const kvs = (m: GGUFTypedMetadata) => m as unknown as Record<string, TypedKv>;
const read = (file: string) => gguf(file, { allowLocalFile: true, typedMetadata: true });

describe('createTinyModel', () => {
  const vocabPath = vocabGgufPath();
  let dir: string;
  let modelPath: string;
  let vocab: Awaited<ReturnType<typeof read>>;
  let model: Awaited<ReturnType<typeof read>>;

  beforeAll(async () => {
    if (!existsSync(vocabPath)) {
      throw new Error(`vocab GGUF not found at ${vocabPath}; set LLAMA_CPP_SOURCE_DIR to a llama.cpp checkout`);
    }
    dir = await mkdtemp(path.join(os.tmpdir(), 'tiny-model-'));
    modelPath = path.join(dir, 'nested', 'model.gguf');
    await createTinyModel({ vocabGgufPath: vocabPath, chatTemplate: CHAT_TEMPLATE, outputPath: modelPath, seed: 42 });
    [vocab, model] = await Promise.all([read(vocabPath), read(modelPath)]);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes GGUF v3 qwen2 metadata with the default name and the given chat template', () => {
    const m = kvs(model.typedMetadata);
    expect(model.metadata.version).toBe(3);
    expect(m['general.architecture']).toEqual({ value: 'qwen2', type: GGUFValueType.STRING });
    expect(m['general.name']).toEqual({ value: 'tiny-qwen2', type: GGUFValueType.STRING });
    expect(m['general.alignment']).toEqual({ value: 32, type: GGUFValueType.UINT32 });
    expect(m['general.file_type']).toEqual({ value: 1, type: GGUFValueType.UINT32 });
    expect(m['tokenizer.chat_template']).toEqual({ value: CHAT_TEMPLATE, type: GGUFValueType.STRING });
    expect(m['qwen2.embedding_length']).toEqual({ value: 64, type: GGUFValueType.UINT32 });
    expect(m['qwen2.block_count']).toEqual({ value: 2, type: GGUFValueType.UINT32 });
    expect(m['qwen2.attention.head_count_kv']).toEqual({ value: 2, type: GGUFValueType.UINT32 });
    expect(m['qwen2.rope.freq_base']).toEqual({ value: 1e6, type: GGUFValueType.FLOAT32 });
  });

  it('copies every tokenizer key of the vocab with its GGUF value type', () => {
    const m = kvs(model.typedMetadata);
    const v = kvs(vocab.typedMetadata);
    const tokens = m['tokenizer.ggml.tokens'];
    expect(tokens.type).toBe(GGUFValueType.ARRAY);
    expect(tokens.subType).toBe(GGUFValueType.STRING);
    expect((tokens.value as string[]).length).toBe((v['tokenizer.ggml.tokens'].value as string[]).length);
    expect(m['tokenizer.ggml.token_type'].subType).toBe(GGUFValueType.INT32);
    expect(m['tokenizer.ggml.merges'].subType).toBe(GGUFValueType.STRING);

    const copied = Object.keys(v).filter((k) => k.startsWith('tokenizer.') && k !== 'tokenizer.chat_template');
    expect(copied).toEqual(expect.arrayContaining(['tokenizer.ggml.model', 'tokenizer.ggml.pre', 'tokenizer.ggml.eos_token_id']));
    for (const key of copied) expect([key, m[key]]).toEqual([key, v[key]]);
  });

  it('writes the qwen2 tensors llama.cpp expects, with ggml shapes and types', () => {
    const E = 64;
    const nVocab = (kvs(vocab.typedMetadata)['tokenizer.ggml.tokens'].value as string[]).length;
    const F16 = GGMLQuantizationType.F16;
    const F32 = GGMLQuantizationType.F32;
    const expected: Array<[string, number[], GGMLQuantizationType]> = [['token_embd.weight', [E, nVocab], F16]];
    for (let i = 0; i < TINY_MODEL_HPARAMS.blockCount; i++) {
      expected.push(
        [`blk.${i}.attn_norm.weight`, [E], F32],
        [`blk.${i}.attn_q.weight`, [E, E], F16],
        [`blk.${i}.attn_q.bias`, [E], F32],
        [`blk.${i}.attn_k.weight`, [E, 32], F16],
        [`blk.${i}.attn_k.bias`, [32], F32],
        [`blk.${i}.attn_v.weight`, [E, 32], F16],
        [`blk.${i}.attn_v.bias`, [32], F32],
        [`blk.${i}.attn_output.weight`, [E, E], F16],
        [`blk.${i}.ffn_norm.weight`, [E], F32],
        [`blk.${i}.ffn_gate.weight`, [E, 128], F16],
        [`blk.${i}.ffn_up.weight`, [E, 128], F16],
        [`blk.${i}.ffn_down.weight`, [128, E], F16],
      );
    }
    expected.push(['output_norm.weight', [E], F32]);

    expect(model.tensorInfos.map((t) => [t.name, t.shape.map(Number), t.dtype])).toEqual(expected);
    expect(model.metadata.tensor_count).toBe(BigInt(expected.length));
  });

  it('lays tensors out back to back, each padded to 32 bytes, up to the end of the file', async () => {
    expect(Number(model.tensorDataOffset) % 32).toBe(0);
    let offset = 0;
    for (const t of model.tensorInfos) {
      expect([t.name, Number(t.offset)]).toEqual([t.name, offset]);
      const bytes = t.shape.reduce((a, b) => a * Number(b), 1) * (t.dtype === GGMLQuantizationType.F16 ? 2 : 4);
      offset += Math.ceil(bytes / 32) * 32;
    }
    expect((await stat(modelPath)).size).toBe(Number(model.tensorDataOffset) + offset);
  });

  it('writes normal(0, 0.02)-like embeddings and unit norm weights', async () => {
    const bytes = await readFile(modelPath);
    const embd = model.tensorInfos[0];
    const start = Number(model.tensorDataOffset + embd.offset);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const v = halfToNumber(bytes.readUInt16LE(start + 2 * i));
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / n;
    const std = Math.sqrt(sumSq / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);

    const norm = model.tensorInfos.find((t) => t.name === 'output_norm.weight')!;
    const normStart = Number(model.tensorDataOffset + norm.offset);
    for (let i = 0; i < 64; i++) expect(bytes.readFloatLE(normStart + 4 * i)).toBe(1);
  });

  it('is deterministic: the same seed gives the same bytes, another seed other weights', async () => {
    const again = path.join(dir, 'again.gguf');
    const other = path.join(dir, 'other.gguf');
    await createTinyModel({ vocabGgufPath: vocabPath, chatTemplate: CHAT_TEMPLATE, outputPath: again, seed: 42 });
    await createTinyModel({
      vocabGgufPath: vocabPath,
      chatTemplate: CHAT_TEMPLATE,
      outputPath: other,
      seed: 7,
      name: 'other-model',
    });
    const [a, b, c] = await Promise.all([readFile(modelPath), readFile(again), readFile(other)]);
    expect(b.equals(a)).toBe(true);
    expect(c.equals(a)).toBe(false);

    const otherModel = await read(other);
    expect(kvs(otherModel.typedMetadata)['general.name'].value).toBe('other-model');
    // No temporary files are left behind.
    expect((await readdir(dir)).sort()).toEqual(['again.gguf', 'nested', 'other.gguf']);
  });

  it('writes added tokens over placeholder slots as user-defined tokens', async () => {
    const file = path.join(dir, 'added.gguf');
    await createTinyModel({
      vocabGgufPath: vocabPath,
      chatTemplate: CHAT_TEMPLATE,
      outputPath: file,
      addedTokens: { 151657: '<tool_call>' },
    });
    const m = kvs((await read(file)).typedMetadata);
    expect((m['tokenizer.ggml.tokens'].value as string[])[151657]).toBe('<tool_call>');
    expect((m['tokenizer.ggml.token_type'].value as number[])[151657]).toBe(4);
    expect((m['tokenizer.ggml.tokens'].value as string[])[151658]).toBe('[PAD151658]');
    await expect(
      createTinyModel({ vocabGgufPath: vocabPath, chatTemplate: CHAT_TEMPLATE, outputPath: file, addedTokens: { 100: 'x' } }),
    ).rejects.toThrow(/token 100 is .*, not a placeholder slot/);
  });

  it('rejects bad options and a missing vocab file without leaving files behind', async () => {
    const out = path.join(dir, 'bad', 'model.gguf');
    const base = { vocabGgufPath: vocabPath, chatTemplate: CHAT_TEMPLATE, outputPath: out };
    await expect(createTinyModel({ ...base, chatTemplate: '' })).rejects.toThrow(TypeError);
    await expect(createTinyModel({ ...base, seed: -1 })).rejects.toThrow(RangeError);
    await expect(createTinyModel({ ...base, seed: 1.5 })).rejects.toThrow(RangeError);
    await expect(createTinyModel({ ...base, vocabGgufPath: path.join(dir, 'missing.gguf') })).rejects.toThrow(
      /cannot read vocab GGUF/,
    );
    expect(existsSync(path.join(dir, 'bad'))).toBe(false);
  });
});

describe('float32ToFloat16Bits', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up to Infinity
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to zero: ties to even
    [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 subnormal units: ties to even
    [2 ** -14, 0x0400], // smallest normal
    [1 + 2 ** -11, 0x3c00], // halfway: ties to even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // halfway: ties to even (up)
  ])('%p -> %p', (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  it('maps NaN to a NaN pattern', () => {
    const bits = float32ToFloat16Bits(Number.NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x03ff).not.toBe(0);
  });
});

/** Decodes IEEE 754 binary16 bits (test helper). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
