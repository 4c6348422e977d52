import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The ChatML template used when neither the model nor the user provides one. */
export const CHATML_TEMPLATE_PATH = join(__dirname, '..', '..', 'templates', 'chatml.jinja');

/** Where a model's chat template came from. */
export type TemplateOrigin = 'chat-template-file' | 'gguf' | 'llama-server-props' | 'chatml-fallback';

/**
 * Picks the chat template, first match wins: `--chat-template-file`, the model's own template
 * (GGUF `tokenizer.chat_template`, or llama-server's `GET /props` in `--endpoint` mode), the
 * ChatML fallback in `templates/chatml.jinja`.
 *
 * @throws Error when a given template file cannot be read
 */
export async function resolveTemplateSource(
  templateFile: string | undefined,
  modelTemplate: { source?: string; origin: 'gguf' | 'llama-server-props' },
): Promise<{ source: string; origin: TemplateOrigin }> {
  if (templateFile) return { source: await readFile(templateFile, 'utf8'), origin: 'chat-template-file' };
  if (modelTemplate.source) return { source: modelTemplate.source, origin: modelTemplate.origin };
  return { source: await readFile(CHATML_TEMPLATE_PATH, 'utf8'), origin: 'chatml-fallback' };
}
