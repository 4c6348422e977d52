import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureLlamaCppSource } from '../llama/llama-cpp-source';
import { createTinyModel } from '../tiny-model/tiny-model';

/** The real tokenizer and chat template the demo model carries (paths in llama.cpp's tree). */
export const DEMO_MODEL_SOURCES = {
  vocab: join('models', 'ggml-vocab-qwen2.gguf'),
  chatTemplate: join('models', 'templates', 'Qwen-Qwen2.5-7B-Instruct.jinja'),
};

/**
 * Qwen2.5's added tokens (its tokenizer_config.json `added_tokens_decoder`, non-special ones among
 * them as user-defined tokens) missing from llama.cpp's Qwen2 vocab file: with them the demo model's
 * tokenizer is Qwen2.5's, so `<tool_call>` is one token as in real Qwen2.5 GGUFs.
 */
export const QWEN25_ADDED_TOKENS: Readonly<Record<number, string>> = {
  151646: '<|object_ref_start|>',
  151647: '<|object_ref_end|>',
  151648: '<|box_start|>',
  151649: '<|box_end|>',
  151650: '<|quad_start|>',
  151651: '<|quad_end|>',
  151652: '<|vision_start|>',
  151653: '<|vision_end|>',
  151654: '<|vision_pad|>',
  151655: '<|image_pad|>',
  151656: '<|video_pad|>',
  151657: '<tool_call>',
  151658: '</tool_call>',
  151659: '<|fim_prefix|>',
  151660: '<|fim_middle|>',
  151661: '<|fim_suffix|>',
  151662: '<|fim_pad|>',
  151663: '<|repo_name|>',
  151664: '<|file_sep|>',
};

/** `general.name` of the demo model, hence its model id in the API. */
export const DEMO_MODEL_NAME = 'tiny-qwen2.5';

/**
 * Makes (once, then reuses) the tiny demo and test model in the cache: random weights, llama.cpp's
 * real Qwen2 tokenizer with Qwen2.5's added tokens, and the real Qwen2.5 chat template. Its text is noise; under a grammar its
 * output is still valid.
 *
 * @returns absolute path of the GGUF file
 * @throws ProvisioningError when the llama.cpp source cannot be fetched
 */
export async function ensureDemoModel(
  root: string,
  log: (message: string) => void = () => undefined,
): Promise<string> {
  const source = await ensureLlamaCppSource(root, log);
  const dir = join(root, 'models');
  const path = join(dir, `${DEMO_MODEL_NAME}-${source.tag}.gguf`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  log(`making the tiny demo model ${path}`);
  const partial = `${path}.partial`;
  await createTinyModel({
    vocabGgufPath: join(source.dir, DEMO_MODEL_SOURCES.vocab),
    chatTemplate: await readFile(join(source.dir, DEMO_MODEL_SOURCES.chatTemplate), 'utf8'),
    outputPath: partial,
    name: DEMO_MODEL_NAME,
    addedTokens: QWEN25_ADDED_TOKENS,
  });
  await rename(partial, path);
  return path;
}
