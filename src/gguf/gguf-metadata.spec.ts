import { join } from 'node:path';
import { testAssets } from '../../test/support/test-assets';
import { readGgufMetadata } from './gguf-metadata';

describe('GGUF metadata (header only)', () => {
  it('reads name, architecture, template and resolves BOS/EOS strings on the tiny model', async () => {
    const metadata = await readGgufMetadata(testAssets().model);
    expect(metadata.name).toBe('tiny-qwen2.5');
    expect(metadata.architecture).toBe('qwen2');
    expect(metadata.contextLength).toBe(4096);
    expect(metadata.chatTemplate).toContain('<|im_start|>');
    expect(metadata.eosToken).toBe('<|endoftext|>');
    expect(metadata.bosToken).toBe('<|endoftext|>');
  });

  it('reads real vocab files from llama.cpp, including add_bos_token', async () => {
    const models = join(testAssets().llamaCppDir, 'models');
    const phi3 = await readGgufMetadata(join(models, 'ggml-vocab-phi-3.gguf'));
    expect(phi3.architecture).toBe('phi3');
    expect(phi3.bosToken).toBe('<s>');
    expect(phi3.eosToken).toBe('<|endoftext|>');
    expect(phi3.addBosToken).toBe(true);
    expect(phi3.chatTemplate).toContain('<|assistant|>');
    const spm = await readGgufMetadata(join(models, 'ggml-vocab-llama-spm.gguf'));
    expect(spm.chatTemplate).toBeUndefined();
  });

  it('finds named template variants (tokenizer.chat_template.<name>)', async () => {
    const models = join(testAssets().llamaCppDir, 'models');
    const commandR = await readGgufMetadata(join(models, 'ggml-vocab-command-r.gguf'));
    expect(Object.keys(commandR.chatTemplates).sort()).toEqual(['rag', 'tool_use']);
    expect(commandR.bosToken).toBe('<BOS_TOKEN>');
  });

  it('rejects a file that is not GGUF', async () => {
    await expect(readGgufMetadata(__filename)).rejects.toThrow();
  });
});
