import { functionaryFormat } from './functionary.format';
import { genericFormat } from './generic.format';
import { hermesFormat } from './hermes.format';
import { llama3Format } from './llama3.format';
import { mistralNemoFormat } from './mistral-nemo.format';
import { deepseekR1Format, qwen3Format } from './reasoning.format';
import { ToolFormat } from './tool-format';

/**
 * Every tool-call format by public name (`--tool-format NAME`). Detection tries them in this
 * order, most specific first: reasoning variants before the plain format they extend (`qwen3`
 * before `hermes`), and `generic`, which accepts any template, last.
 */
export const FORMATS = {
  functionary: functionaryFormat,
  deepseekR1: deepseekR1Format,
  mistralNemo: mistralNemoFormat,
  llama3: llama3Format,
  qwen3: qwen3Format,
  hermes: hermesFormat,
  generic: genericFormat,
} satisfies Record<string, ToolFormat>;

export type ToolFormatName = keyof typeof FORMATS;

/** The first format whose `detect` accepts the template source; `generic` when no native one does. */
export function detectToolFormat(templateSource: string): ToolFormat {
  return Object.values(FORMATS).find((format) => format.detect(templateSource)) ?? genericFormat;
}
