import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemplateSource } from './template-source';

describe('choosing the chat template', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'lts-template-')), 'override.jinja');
  writeFileSync(file, '{{ messages[0].content }}');

  it('prefers --chat-template-file', async () => {
    expect(await resolveTemplateSource(file, { source: 'gguf', origin: 'gguf' })).toEqual({
      source: '{{ messages[0].content }}',
      origin: 'chat-template-file',
    });
  });

  it("then the model's own template", async () => {
    expect(await resolveTemplateSource(undefined, { source: 'props', origin: 'llama-server-props' })).toEqual({
      source: 'props',
      origin: 'llama-server-props',
    });
  });

  it('falls back to ChatML from templates/', async () => {
    const { source, origin } = await resolveTemplateSource(undefined, { origin: 'gguf' });
    expect(origin).toBe('chatml-fallback');
    expect(source).toContain('<|im_start|>');
  });

  it('fails loudly on a missing template file', async () => {
    await expect(resolveTemplateSource('/no/such.jinja', { origin: 'gguf' })).rejects.toThrow(/ENOENT/);
  });
});
