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
 * Makes (once, then reuses) the tiny demo and test model in the cache: random weights, llama.cpp's
 * real Qwen2 tokenizer and the real Qwen2.5 chat template. Its text is noise; under a grammar its
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
  const path = join(dir, `tiny-qwen2-${source.tag}.gguf`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  log(`making the tiny demo model ${path}`);
  const partial = `${path}.partial`;
  await createTinyModel({
    vocabGgufPath: join(source.dir, DEMO_MODEL_SOURCES.vocab),
    chatTemplate: await readFile(join(source.dir, DEMO_MODEL_SOURCES.chatTemplate), 'utf8'),
    outputPath: partial,
  });
  await rename(partial, path);
  return path;
}
