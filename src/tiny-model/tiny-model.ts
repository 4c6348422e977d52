/**
 * Tiny random-weight GGUF model generator.
 *
 * No model weights can be downloaded where this project is developed and tested, so tests and the
 * `demo` command build a tiny `qwen2` model at run time: random (seeded) weights, tiny
 * hyperparameters, and the REAL tokenizer copied from one of llama.cpp's vocab-only GGUF files
 * (e.g. `models/ggml-vocab-qwen2.gguf`). llama-server loads it like any other model; its output is
 * noise, but tokenization, chat templates, grammars and the HTTP API all behave for real.
 *
 * File layout follows the GGUF v3 spec (llama.cpp `ggml/include/gguf.h`, reader in
 * `ggml/src/gguf.cpp`):
 *
 *   1. magic "GGUF", version (u32), tensor count (u64), KV count (u64)
 *   2. KV pairs                                   <- `serializeGgufMetadata` from @huggingface/gguf
 *   3. tensor-info records                        <- written here (the library cannot write them)
 *   4. zero padding up to `general.alignment`
 *   5. tensor data; each tensor starts at its recorded offset, and the recorded offsets must be
 *      exactly the running sum of the previous tensors' sizes, each padded to the alignment
 *      (gguf.cpp rejects any other offset).
 *
 * Tensor names and shapes follow llama.cpp's qwen2 loader (`src/models/qwen2.cpp`,
 * `llama_model_base::create_tensor_qkv` in `src/llama-model.cpp`) and the names in
 * `gguf-py/gguf/constants.py`. `output.weight` is omitted: the loader then ties the output
 * projection to `token_embd.weight` (TENSOR_DUPLICATED), which halves the file size.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

import {
  GGMLFileQuantizationType,
  GGMLQuantizationType,
  GGUFValueType,
  gguf,
  serializeGgufMetadata,
  type GGUFTypedMetadata,
  type MetadataValue,
} from '@huggingface/gguf';

/** Options of {@link createTinyModel}. */
export interface TinyModelOptions {
  /** Path of a GGUF file holding a tokenizer (a llama.cpp `ggml-vocab-*.gguf` works). */
  vocabGgufPath: string;
  /** Jinja chat template stored as `tokenizer.chat_template`. */
  chatTemplate: string;
  /** Named template variants, written as `tokenizer.chat_template.<name>` (e.g. `tool_use`). */
  chatTemplates?: Readonly<Record<string, string>>;
  /** Where to write the model; parent directories are created. Replaced atomically if it exists. */
  outputPath: string;
  /** `general.name`; default `'tiny-qwen2'`. */
  name?: string;
  /** PRNG seed (unsigned 32-bit integer); default {@link DEFAULT_TINY_MODEL_SEED}. Same seed => same bytes. */
  seed?: number;
  /**
   * Added tokens by id, written over the vocab's placeholder entries (padding `[PADn]`, Llama 3's
   * `<|reserved_special_token_n|>`) as user-defined tokens (GGUF token type 4), as llama.cpp's
   * converter writes a tokenizer's non-special added tokens. For vocab files older than the model
   * family's template (llama.cpp's `ggml-vocab-qwen2.gguf` is Qwen2's, without Qwen2.5's
   * `<tool_call>` at 151657; its `ggml-vocab-llama-bpe.gguf` is Llama 3.0's, without 3.1's
   * `<|python_tag|>`).
   */
  addedTokens?: Readonly<Record<number, string>>;
}

/** GGUF token type of user-defined (added, non-control) tokens, per llama.cpp `llama_token_type`. */
const TOKEN_TYPE_USER_DEFINED = 4;

/** Seed used when {@link TinyModelOptions.seed} is not given. */
export const DEFAULT_TINY_MODEL_SEED = 0x5eed;

/** Hyperparameters of the generated model (written as `qwen2.*` keys). */
export const TINY_MODEL_HPARAMS = Object.freeze({
  architecture: 'qwen2',
  contextLength: 4096,
  embeddingLength: 64,
  blockCount: 2,
  headCount: 4,
  headCountKv: 2,
  feedForwardLength: 128,
  ropeFreqBase: 1e6,
  rmsNormEpsilon: 1e-6,
  /** Byte alignment of the tensor data section and of each tensor (`general.alignment`). */
  alignment: 32,
  /** Standard deviation of the random weights; norm weights are 1. */
  weightStd: 0.02,
});

/**
 * Writes a tiny random-weight `qwen2` GGUF v3 model that llama.cpp's `llama-server` can load.
 *
 * Contents:
 * - KV pairs: `general.architecture` = 'qwen2', `general.name`, `general.file_type` = 1 (MOSTLY_F16),
 *   `general.alignment` = 32, the `qwen2.*` hyperparameters of {@link TINY_MODEL_HPARAMS}, every
 *   `tokenizer.*` key of the vocab file with its exact GGUF value type (string arrays stay string
 *   arrays, `token_type` stays an int32 array, ids stay uint32, ...) except the vocab's own chat
 *   templates (`tokenizer.chat_template`, `tokenizer.chat_template.*`, `tokenizer.chat_templates`),
 *   and `tokenizer.chat_template` = `options.chatTemplate`, `tokenizer.chat_template.<name>` for each
 *   of `options.chatTemplates`.
 * - Tensors (shapes in GGUF/ggml order, fastest-varying dimension first; E = 64, V = vocab size,
 *   KV = E / head_count * head_count_kv = 32, FF = 128):
 *   `token_embd.weight` [E, V] F16; per block `blk.N.`: `attn_norm.weight` [E] F32,
 *   `attn_q.weight` [E, E] F16, `attn_q.bias` [E] F32, `attn_k.weight` [E, KV] F16,
 *   `attn_k.bias` [KV] F32, `attn_v.weight` [E, KV] F16, `attn_v.bias` [KV] F32,
 *   `attn_output.weight` [E, E] F16, `ffn_norm.weight` [E] F32, `ffn_gate.weight` [E, FF] F16,
 *   `ffn_up.weight` [E, FF] F16, `ffn_down.weight` [FF, E] F16; then `output_norm.weight` [E] F32.
 *   No `output.weight`: llama.cpp ties the output head to `token_embd.weight`.
 *   Norm weights are 1; all other values are normal-ish with mean 0 and std 0.02 (Irwin–Hall
 *   sum of 4 uniforms from a seeded xorshift128 PRNG), so the logits
 *   differ between tokens and contexts and sampling yields varied tokens.
 *
 * With the 151,936-token qwen2 vocab the file is about 25 MB (19.4 MB embeddings + 5.9 MB
 * tokenizer) and is written in 1 MiB chunks to a temporary file next to `outputPath`, which is
 * then renamed over `outputPath` (readers never see a partial model).
 *
 * Follows the GGUF v3 spec (llama.cpp `ggml/include/gguf.h`, `ggml/src/gguf.cpp`) and llama.cpp's
 * qwen2 loader (`src/models/qwen2.cpp`).
 *
 * @throws TypeError if `chatTemplate` is empty or not a string, or `name` is not a string.
 * @throws RangeError if `seed` is not an integer in [0, 2^32).
 * @throws Error if the vocab file cannot be read or parsed, has no `tokenizer.ggml.tokens` string
 *   array, or its metadata does not round-trip losslessly through the GGUF library (e.g. token
 *   strings that are not valid UTF-8); file-system errors while writing are rethrown as-is.
 */
export async function createTinyModel(options: TinyModelOptions): Promise<void> {
  const name = options.name ?? 'tiny-qwen2';
  const seed = options.seed ?? DEFAULT_TINY_MODEL_SEED;
  if (typeof options.chatTemplate !== 'string' || options.chatTemplate.length === 0) {
    throw new TypeError('createTinyModel: chatTemplate must be a non-empty string');
  }
  if (typeof name !== 'string') {
    throw new TypeError('createTinyModel: name must be a string');
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`createTinyModel: seed must be an integer in [0, 2^32), got ${seed}`);
  }

  const tokenizerKvs = withAddedTokens(await readTokenizerKvs(options.vocabGgufPath), options.addedTokens ?? {});
  const tokens = tokenizerKvs['tokenizer.ggml.tokens'];
  const vocabSize = (tokens.value as MetadataValue[]).length;

  const tensors = planTensors(vocabSize);
  const metadata = buildMetadata(name, options.chatTemplate, options.chatTemplates ?? {}, tokenizerKvs, tensors.length);
  // alignment 1 = no padding: the tensor-info records must follow the KV pairs directly.
  const header = serializeGgufMetadata(metadata, { littleEndian: true, alignment: 1 });

  await mkdir(path.dirname(path.resolve(options.outputPath)), { recursive: true });
  const tmpPath = `${options.outputPath}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const file = await open(tmpPath, 'w');
    try {
      const sink = new ChunkedWriter((buf) => file.write(buf).then(() => undefined));
      await sink.write(header);
      await sink.write(encodeTensorInfos(tensors, header.length));
      const random = new NormalRandom(seed);
      for (const tensor of tensors) {
        await writeTensorData(sink, tensor, random);
      }
      await sink.flush();
    } finally {
      await file.close();
    }
    await rename(tmpPath, options.outputPath);
  } catch (err) {
    await rm(tmpPath, { force: true });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------------

type TypedKv = { value: MetadataValue; type: GGUFValueType; subType?: GGUFValueType };

/** Chat-template keys of the vocab file that are NOT copied (the caller's template replaces them). */
function isVocabChatTemplateKey(key: string): boolean {
  return (
    key === 'tokenizer.chat_template' ||
    key.startsWith('tokenizer.chat_template.') ||
    key === 'tokenizer.chat_templates'
  );
}

/** Reads every `tokenizer.*` KV of a GGUF file, keeping GGUF value types, minus chat templates. */
async function readTokenizerKvs(vocabGgufPath: string): Promise<Record<string, TypedKv>> {
  let parsed;
  try {
    parsed = await gguf(vocabGgufPath, { allowLocalFile: true, typedMetadata: true });
  } catch (err) {
    throw new Error(`createTinyModel: cannot read vocab GGUF ${vocabGgufPath}: ${String(err)}`, {
      cause: err,
    });
  }
  const typed = parsed.typedMetadata as Record<string, TypedKv>;

  // The library decodes strings as UTF-8; check that re-encoding gives back the same number of
  // bytes as the vocab's KV section, so the tokenizer we copy is the one in the file.
  let kvBytes = 0;
  for (const [key, kv] of Object.entries(typed)) {
    if (key === 'version' || key === 'tensor_count' || key === 'kv_count') continue;
    kvBytes += stringByteLength(key) + 4 + valueByteLength(kv.value, kv.type, kv.subType);
  }
  const expected = parsed.tensorInfoByteRange[0] - HEADER_PREAMBLE_BYTES;
  if (parsed.metadata.version !== 3 || kvBytes !== expected) {
    throw new Error(
      `createTinyModel: metadata of ${vocabGgufPath} does not round-trip losslessly ` +
        `(GGUF v${parsed.metadata.version}, ${kvBytes} bytes re-encoded vs ${expected} in file)`,
    );
  }

  const out: Record<string, TypedKv> = {};
  for (const [key, kv] of Object.entries(typed)) {
    if (key.startsWith('tokenizer.') && !isVocabChatTemplateKey(key)) out[key] = kv;
  }
  const tokens = out['tokenizer.ggml.tokens'];
  if (
    !tokens ||
    tokens.type !== GGUFValueType.ARRAY ||
    tokens.subType !== GGUFValueType.STRING ||
    (tokens.value as MetadataValue[]).length === 0
  ) {
    throw new Error(`createTinyModel: ${vocabGgufPath} has no tokenizer.ggml.tokens string array`);
  }
  return out;
}

/**
 * Places `added` tokens into placeholder slots of the token list (types set to user-defined).
 *
 * @throws Error when a slot is missing or holds no `[PADn]` or `<|reserved_special_token_n|>` placeholder
 */
function withAddedTokens(kvs: Record<string, TypedKv>, added: Readonly<Record<number, string>>): Record<string, TypedKv> {
  const entries = Object.entries(added);
  if (entries.length === 0) return kvs;
  const tokens = [...(kvs['tokenizer.ggml.tokens'].value as string[])];
  const types = [...(kvs['tokenizer.ggml.token_type'].value as number[])];
  for (const [id, text] of entries) {
    const index = Number(id);
    if (!/^(\[PAD\d+\]|<\|reserved_special_token_\d+\|>)$/.test(tokens[index] ?? '')) {
      throw new Error(`createTinyModel: token ${index} is ${JSON.stringify(tokens[index])}, not a placeholder slot`);
    }
    tokens[index] = text;
    types[index] = TOKEN_TYPE_USER_DEFINED;
  }
  return {
    ...kvs,
    'tokenizer.ggml.tokens': { ...kvs['tokenizer.ggml.tokens'], value: tokens },
    'tokenizer.ggml.token_type': { ...kvs['tokenizer.ggml.token_type'], value: types },
  };
}

/** Bytes before the first KV pair: magic (4) + version u32 (4) + tensor count u64 (8) + KV count u64 (8). */
const HEADER_PREAMBLE_BYTES = 24;

function stringByteLength(s: string): number {
  return 8 + Buffer.byteLength(s, 'utf8');
}

/** Serialized size of a GGUF v3 value (spec: gguf.h; strings are u64 length + bytes). */
function valueByteLength(value: MetadataValue, type: GGUFValueType, subType?: GGUFValueType): number {
  switch (type) {
    case GGUFValueType.UINT8:
    case GGUFValueType.INT8:
    case GGUFValueType.BOOL:
      return 1;
    case GGUFValueType.UINT16:
    case GGUFValueType.INT16:
      return 2;
    case GGUFValueType.UINT32:
    case GGUFValueType.INT32:
    case GGUFValueType.FLOAT32:
      return 4;
    case GGUFValueType.UINT64:
    case GGUFValueType.INT64:
    case GGUFValueType.FLOAT64:
      return 8;
    case GGUFValueType.STRING:
      return stringByteLength(value as string);
    case GGUFValueType.ARRAY: {
      const items = value as MetadataValue[];
      let n = 4 + 8; // element type u32 + element count u64
      if (subType === GGUFValueType.STRING) {
        for (const item of items) n += stringByteLength(item as string);
      } else if (subType !== undefined && subType !== GGUFValueType.ARRAY) {
        n += items.length * valueByteLength(0, subType);
      } else {
        // Nested arrays: the library reports no element type for inner arrays; give up exactly.
        return Number.NaN;
      }
      return n;
    }
    default:
      return Number.NaN;
  }
}

function buildMetadata(
  name: string,
  chatTemplate: string,
  chatTemplates: Readonly<Record<string, string>>,
  tokenizerKvs: Record<string, TypedKv>,
  tensorCount: number,
): GGUFTypedMetadata {
  const h = TINY_MODEL_HPARAMS;
  const arch = h.architecture;
  const u32 = (value: number): TypedKv => ({ value, type: GGUFValueType.UINT32 });
  const f32 = (value: number): TypedKv => ({ value, type: GGUFValueType.FLOAT32 });
  const str = (value: string): TypedKv => ({ value, type: GGUFValueType.STRING });

  const kvs: Record<string, TypedKv> = {
    'general.architecture': str(arch),
    'general.name': str(name),
    'general.file_type': u32(GGMLFileQuantizationType.F16),
    'general.alignment': u32(h.alignment),
    [`${arch}.context_length`]: u32(h.contextLength),
    [`${arch}.embedding_length`]: u32(h.embeddingLength),
    [`${arch}.block_count`]: u32(h.blockCount),
    [`${arch}.feed_forward_length`]: u32(h.feedForwardLength),
    [`${arch}.attention.head_count`]: u32(h.headCount),
    [`${arch}.attention.head_count_kv`]: u32(h.headCountKv),
    [`${arch}.rope.freq_base`]: f32(h.ropeFreqBase),
    [`${arch}.attention.layer_norm_rms_epsilon`]: f32(h.rmsNormEpsilon),
    ...tokenizerKvs,
    'tokenizer.chat_template': str(chatTemplate),
    ...Object.fromEntries(
      Object.entries(chatTemplates).map(([variant, template]) => [`tokenizer.chat_template.${variant}`, str(template)]),
    ),
  };
  return {
    version: { value: 3, type: GGUFValueType.UINT32 },
    tensor_count: { value: BigInt(tensorCount), type: GGUFValueType.UINT64 },
    kv_count: { value: BigInt(Object.keys(kvs).length), type: GGUFValueType.UINT64 },
    ...kvs,
  } as GGUFTypedMetadata;
}

// ---------------------------------------------------------------------------------------------
// Tensors
// ---------------------------------------------------------------------------------------------

interface TensorPlan {
  name: string;
  /** ggml order: shape[0] is the row length (fastest-varying). */
  shape: number[];
  type: GGMLQuantizationType.F32 | GGMLQuantizationType.F16;
  init: 'normal' | 'ones';
  /** Byte offset inside the tensor data section. */
  offset: number;
  byteLength: number;
}

function planTensors(vocabSize: number): TensorPlan[] {
  const h = TINY_MODEL_HPARAMS;
  const E = h.embeddingLength;
  const KV = (E / h.headCount) * h.headCountKv;
  const FF = h.feedForwardLength;
  const F16 = GGMLQuantizationType.F16;
  const F32 = GGMLQuantizationType.F32;

  const list: Array<Pick<TensorPlan, 'name' | 'shape' | 'type' | 'init'>> = [
    { name: 'token_embd.weight', shape: [E, vocabSize], type: F16, init: 'normal' },
  ];
  for (let i = 0; i < h.blockCount; i++) {
    const b = `blk.${i}.`;
    list.push(
      { name: `${b}attn_norm.weight`, shape: [E], type: F32, init: 'ones' },
      { name: `${b}attn_q.weight`, shape: [E, E], type: F16, init: 'normal' },
      { name: `${b}attn_q.bias`, shape: [E], type: F32, init: 'normal' },
      { name: `${b}attn_k.weight`, shape: [E, KV], type: F16, init: 'normal' },
      { name: `${b}attn_k.bias`, shape: [KV], type: F32, init: 'normal' },
      { name: `${b}attn_v.weight`, shape: [E, KV], type: F16, init: 'normal' },
      { name: `${b}attn_v.bias`, shape: [KV], type: F32, init: 'normal' },
      { name: `${b}attn_output.weight`, shape: [E, E], type: F16, init: 'normal' },
      { name: `${b}ffn_norm.weight`, shape: [E], type: F32, init: 'ones' },
      { name: `${b}ffn_gate.weight`, shape: [E, FF], type: F16, init: 'normal' },
      { name: `${b}ffn_up.weight`, shape: [E, FF], type: F16, init: 'normal' },
      { name: `${b}ffn_down.weight`, shape: [FF, E], type: F16, init: 'normal' },
    );
  }
  list.push({ name: 'output_norm.weight', shape: [E], type: F32, init: 'ones' });

  let offset = 0;
  return list.map((t) => {
    const elements = t.shape.reduce((a, b) => a * b, 1);
    const byteLength = elements * (t.type === F16 ? 2 : 4);
    const plan = { ...t, offset, byteLength };
    offset += padTo(byteLength, h.alignment);
    return plan;
  });
}

function padTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/**
 * Tensor-info records (GGUF v3, gguf.h item 6): name (u64 length + UTF-8), n_dims (u32),
 * n_dims × ne (u64), ggml type (u32), data offset (u64); then zero padding so that the data
 * section starts at a multiple of the alignment, counted from the start of the file
 * (`headerLength` = bytes written before these records).
 */
function encodeTensorInfos(tensors: TensorPlan[], headerLength: number): Buffer {
  let size = 0;
  for (const t of tensors) size += 8 + Buffer.byteLength(t.name) + 4 + 8 * t.shape.length + 4 + 8;
  const padded = padTo(headerLength + size, TINY_MODEL_HPARAMS.alignment) - headerLength;
  const buf = Buffer.alloc(padded); // zero-filled, so the padding is zeros
  let p = 0;
  for (const t of tensors) {
    p = buf.writeBigUInt64LE(BigInt(Buffer.byteLength(t.name)), p);
    p += buf.write(t.name, p, 'utf8');
    p = buf.writeUInt32LE(t.shape.length, p);
    for (const ne of t.shape) p = buf.writeBigUInt64LE(BigInt(ne), p);
    p = buf.writeUInt32LE(t.type, p);
    p = buf.writeBigUInt64LE(BigInt(t.offset), p);
  }
  return buf;
}

/** Writes one tensor's values (little-endian) followed by zero padding to the alignment. */
async function writeTensorData(sink: ChunkedWriter, t: TensorPlan, random: NormalRandom): Promise<void> {
  const bytesPerValue = t.type === GGMLQuantizationType.F16 ? 2 : 4;
  const total = t.byteLength / bytesPerValue;
  const std = TINY_MODEL_HPARAMS.weightStd;
  const CHUNK = 1 << 18; // values per buffer
  for (let start = 0; start < total; start += CHUNK) {
    const count = Math.min(CHUNK, total - start);
    const buf = new Uint8Array(count * bytesPerValue);
    const view = new DataView(buf.buffer);
    for (let i = 0; i < count; i++) {
      const v = t.init === 'ones' ? 1 : random.next() * std;
      if (bytesPerValue === 2) view.setUint16(i * 2, float32ToFloat16Bits(v), true);
      else view.setFloat32(i * 4, v, true);
    }
    await sink.write(buf);
  }
  const pad = padTo(t.byteLength, TINY_MODEL_HPARAMS.alignment) - t.byteLength;
  if (pad > 0) await sink.write(Buffer.alloc(pad));
}

/** Batches small writes into ~1 MiB writes. */
class ChunkedWriter {
  private parts: Uint8Array[] = [];
  private size = 0;
  constructor(
    private readonly out: (buf: Buffer) => Promise<void>,
    private readonly threshold = 1 << 20,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.parts.push(bytes);
    this.size += bytes.length;
    if (this.size >= this.threshold) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const buf = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    await this.out(buf);
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/**
 * Deterministic "normal-ish" generator: mean 0, standard deviation 1, values in [-2√3, 2√3].
 *
 * Uniforms come from Marsaglia's xorshift128 (shifts and xors only); a value is the Irwin–Hall
 * sum of four 16-bit uniforms, centred and scaled to unit variance. The hot path deliberately
 * calls no `Math.*` builtin: under jest's VM sandbox each such call costs ~150 ns, which made
 * Box–Muller over the ~10 M embedding values take seconds instead of ~100 ms.
 */
class NormalRandom {
  private x: number;
  private y: number;
  private z: number;
  private w: number;

  constructor(seed: number) {
    // Spread the 32-bit seed over the 128-bit state (splitmix32-style mixing); never all zero.
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.x = mix();
    this.y = mix();
    this.z = mix();
    this.w = mix() | 1;
  }

  /** Next 32-bit unsigned integer. */
  private nextUint32(): number {
    const t = this.x ^ (this.x << 11);
    this.x = this.y;
    this.y = this.z;
    this.z = this.w;
    this.w = this.w ^ (this.w >>> 19) ^ (t ^ (t >>> 8));
    return this.w >>> 0;
  }

  /** Next value: mean 0, variance 1. */
  next(): number {
    const a = this.nextUint32();
    const b = this.nextUint32();
    // Four uniforms in [0, 1): sum has mean 2 and variance 4/12 = 1/3.
    const sum = ((a & 0xffff) + (a >>> 16) + (b & 0xffff) + (b >>> 16) + 2) / 65536;
    return (sum - 2) * SQRT3;
  }
}

const SQRT3 = Math.sqrt(3);

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/**
 * IEEE 754 binary16 bit pattern of `value` (first rounded to float32), rounding to nearest even;
 * handles subnormals, overflow to ±Infinity and NaN. Same result as ggml's `ggml_fp32_to_fp16`
 * for finite inputs.
 *
 * @returns an integer in [0, 0xffff].
 */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp32 = (x >>> 23) & 0xff;
  const mant32 = x & 0x7fffff;

  if (exp32 === 0xff) return sign | 0x7c00 | (mant32 !== 0 ? 0x200 : 0); // Inf / NaN
  const exp16 = exp32 - 127 + 15;
  if (exp16 >= 0x1f) return sign | 0x7c00; // too large: Inf
  if (exp16 <= 0) {
    // Subnormal half (or zero): value = m × 2^-24 with m = full mantissa >> shift.
    if (exp16 < -10) return sign;
    const full = mant32 | 0x800000;
    const shift = 14 - exp16;
    const halfway = 1 << (shift - 1);
    const rest = full & ((1 << shift) - 1);
    let m = full >>> shift;
    if (rest > halfway || (rest === halfway && (m & 1) === 1)) m++;
    return sign | m; // m may reach 0x400: that is the smallest normal, correctly encoded
  }
  // Normal: drop 13 mantissa bits with round-to-nearest-even; a carry bumps the exponent.
  const rounded = mant32 + 0xfff + ((mant32 >>> 13) & 1);
  if (rounded & 0x800000) {
    return exp16 + 1 >= 0x1f ? sign | 0x7c00 : sign | ((exp16 + 1) << 10);
  }
  return sign | (exp16 << 10) | (rounded >>> 13);
}
