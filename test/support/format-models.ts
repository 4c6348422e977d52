import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from '../../src/llama/cache-dir';
import { createTinyModel } from '../../src/tiny-model/tiny-model';
import { testAssets } from './test-assets';

/**
 * A tiny random-weight model carrying llama.cpp's real `vocab` and real chat `template` (file names
 * in its `models/` and `models/templates/`), made once in the cache and reused. `addedTokens`
 * (id → text) put the model family's special tokens over vocab entries (see `createTinyModel`);
 * `variant` names such a set in the file name.
 */
export async function ensureFormatModel(
  vocab: string,
  template: string,
  added: { variant: string; tokens: Readonly<Record<number, string>> } = { variant: '', tokens: {} },
): Promise<string> {
  const { llamaCppDir } = testAssets();
  const dir = join(cacheRoot(), 'models');
  const suffix = added.variant ? `-${added.variant}` : '';
  const path = join(dir, `tiny-${template.replace(/\.jinja$/, '')}-${vocab.replace(/\.gguf$/, '')}${suffix}.gguf`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  await createTinyModel({
    vocabGgufPath: join(llamaCppDir, 'models', vocab),
    chatTemplate: await readFile(join(llamaCppDir, 'models', 'templates', template), 'utf8'),
    outputPath: `${path}.partial`,
    name: template.replace(/\.jinja$/, ''),
    addedTokens: added.tokens,
  });
  await rename(`${path}.partial`, path);
  return path;
}
