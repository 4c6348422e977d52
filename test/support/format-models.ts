import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from '../../src/llama/cache-dir';
import { CHATML_TEMPLATE_PATH } from '../../src/models/template-source';
import { createTinyModel } from '../../src/tiny-model/tiny-model';
import { testAssets } from './test-assets';

/**
 * A tiny random-weight model carrying llama.cpp's real `vocab` and real chat `template` (file names
 * in its `models/` and `models/templates/`), made once in the cache and reused. `addedTokens`
 * (id → text) put the model family's special tokens over vocab entries (see `createTinyModel`);
 * `variant` names such a set in the file name. With `toolUse`, `template` is the model's
 * `tokenizer.chat_template.tool_use` and its default template is ChatML (as Hermes 3 ships).
 */
export async function ensureFormatModel(
  vocab: string,
  template: string,
  added: { variant: string; tokens: Readonly<Record<number, string>> } = { variant: '', tokens: {} },
  toolUse = false,
): Promise<string> {
  const { llamaCppDir } = testAssets();
  const dir = join(cacheRoot(), 'models');
  const suffix = `${added.variant ? `-${added.variant}` : ''}${toolUse ? '-chatml-default' : ''}`;
  const path = join(dir, `tiny-${template.replace(/\.jinja$/, '')}-${vocab.replace(/\.gguf$/, '')}${suffix}.gguf`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  const source = await readFile(join(llamaCppDir, 'models', 'templates', template), 'utf8');
  await createTinyModel({
    vocabGgufPath: join(llamaCppDir, 'models', vocab),
    chatTemplate: toolUse ? await readFile(CHATML_TEMPLATE_PATH, 'utf8') : source,
    chatTemplates: toolUse ? { tool_use: source } : {},
    outputPath: `${path}.partial`,
    name: template.replace(/\.jinja$/, ''),
    addedTokens: added.tokens,
  });
  await rename(`${path}.partial`, path);
  return path;
}
