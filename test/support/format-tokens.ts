import { QWEN25_ADDED_TOKENS } from '../../src/demo/demo-model';

/**
 * Special tokens of model families whose own tokenizers are not among llama.cpp's vocab files,
 * written over the padding slots of `ggml-vocab-qwen2.gguf` (ids from 151646) or the reserved
 * special tokens of `ggml-vocab-llama-bpe.gguf` (Llama 3.0's; ids from 128002). The texts are the
 * families' real special tokens; the ids are Llama 3.1's for `<|python_tag|>`, ours elsewhere.
 * Test data for `ensureFormatModel`.
 */
export const FORMAT_TOKENS = {
  /** Llama 3.1: the tag before a call. */
  llama31: { 128010: '<|python_tag|>' },
  /** Hermes 3 (on Llama 3.1): its tool-call and tool-response tags. */
  hermes3: { 128002: '<tool_call>', 128003: '</tool_call>', 128004: '<tool_response>', 128005: '</tool_response>' },
  /** Qwen 3: Qwen 2.5's added tokens plus its tool-response and think tokens. */
  qwen3: { ...QWEN25_ADDED_TOKENS, 151665: '<tool_response>', 151666: '</tool_response>', 151667: '<think>', 151668: '</think>' },
  /** DeepSeek R1 distills: chat, think and tool-call tokens. */
  deepseekR1: {
    151646: '<｜User｜>',
    151647: '<｜Assistant｜>',
    151648: '<think>',
    151649: '</think>',
    151650: '<｜tool▁calls▁begin｜>',
    151651: '<｜tool▁calls▁end｜>',
    151652: '<｜tool▁call▁begin｜>',
    151653: '<｜tool▁call▁end｜>',
    151654: '<｜tool▁outputs▁begin｜>',
    151655: '<｜tool▁outputs▁end｜>',
    151656: '<｜tool▁output▁begin｜>',
    151657: '<｜tool▁output▁end｜>',
    151658: '<｜tool▁sep｜>',
  },
  /** Mistral Nemo (its Tekken tokenizer is not in llama.cpp's models/): control tokens. */
  mistralNemo: {
    151646: '[INST]',
    151647: '[/INST]',
    151648: '[TOOL_CALLS]',
    151649: '[AVAILABLE_TOOLS]',
    151650: '[/AVAILABLE_TOOLS]',
    151651: '[TOOL_RESULTS]',
    151652: '[/TOOL_RESULTS]',
  },
} as const satisfies Record<string, Readonly<Record<number, string>>>;
