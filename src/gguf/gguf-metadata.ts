import { gguf } from '@huggingface/gguf';

/** What the service needs to know about a GGUF model, read from its header only. */
export interface GgufModelMetadata {
  /** `general.name`, if set. */
  name?: string;
  /** `general.architecture`, e.g. `qwen2`, `llama`. */
  architecture: string;
  /** `<arch>.context_length`: the context the model was trained with, in tokens. */
  contextLength?: number;
  /** `tokenizer.chat_template`, the default Jinja chat template. */
  chatTemplate?: string;
  /** Named variants, `tokenizer.chat_template.<name>` (e.g. `tool_use`), by name. */
  chatTemplates: Record<string, string>;
  /** BOS/EOS token strings resolved from `tokenizer.ggml.{bos,eos}_token_id`. */
  bosToken?: string;
  eosToken?: string;
  /** `tokenizer.ggml.add_bos_token`, if set. */
  addBosToken?: boolean;
}

const TEMPLATE_VARIANT_PREFIX = 'tokenizer.chat_template.';

/**
 * Reads a local GGUF file's metadata with `@huggingface/gguf` (header only: milliseconds even for
 * 50 GB files; per the GGUF spec, llama.cpp ggml/include/gguf.h).
 *
 * @throws Error from `@huggingface/gguf` when the file is missing or not a GGUF file
 */
export async function readGgufMetadata(path: string): Promise<GgufModelMetadata> {
  const { metadata } = await gguf(path, { allowLocalFile: true });
  const values = metadata as unknown as Record<string, unknown>;
  const architecture = String(values['general.architecture']);
  const tokens = values['tokenizer.ggml.tokens'] as string[] | undefined;
  const tokenText = (key: string): string | undefined => {
    const id = values[key];
    return tokens && (typeof id === 'number' || typeof id === 'bigint') ? tokens[Number(id)] : undefined;
  };
  const chatTemplates: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith(TEMPLATE_VARIANT_PREFIX) && typeof value === 'string') {
      chatTemplates[key.slice(TEMPLATE_VARIANT_PREFIX.length)] = value;
    }
  }
  const contextLength = values[`${architecture}.context_length`];
  const addBosToken = values['tokenizer.ggml.add_bos_token'];
  return {
    name: optionalString(values['general.name']),
    architecture,
    contextLength: contextLength === undefined ? undefined : Number(contextLength),
    chatTemplate: optionalString(values['tokenizer.chat_template']),
    chatTemplates,
    bosToken: tokenText('tokenizer.ggml.bos_token_id'),
    eosToken: tokenText('tokenizer.ggml.eos_token_id'),
    addBosToken: typeof addBosToken === 'boolean' ? addBosToken : undefined,
  };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
