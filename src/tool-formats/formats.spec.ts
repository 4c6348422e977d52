import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testAssets } from '../../test/support/test-assets';
import { FORMAT_SAMPLES } from './format-samples';
import { detectToolFormat, FORMATS, ToolFormatName } from './index';
import { diffFinal, diffMessages, EMPTY_MESSAGE, MessageDelta } from './message-diff';
import { ParsedMessage, ToolFormat } from './tool-format';

/** Sums deltas the way an OpenAI client accumulates a stream. */
function accumulate(deltas: MessageDelta[]): Omit<ParsedMessage, 'truncatedCall'> {
  const message = { content: '', reasoning: '', toolCalls: [] as Array<{ name: string; arguments: string }> };
  for (const delta of deltas) {
    message.content += delta.content ?? '';
    message.reasoning += delta.reasoning ?? '';
    if (delta.toolCall) {
      const { index, name, arguments: fragment } = delta.toolCall;
      if (name !== undefined) message.toolCalls[index] = { name, arguments: '' };
      message.toolCalls[index].arguments += fragment;
    }
  }
  return message;
}

describe.each(Object.entries(FORMATS) as Array<[ToolFormatName, ToolFormat]>)('%s format', (name, format) => {
  const samples = FORMAT_SAMPLES[name];

  it('has samples of its markup', () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(samples.map((sample) => [sample.name, sample] as const))('parses %s', (_name, sample) => {
    expect(format.parse(sample.text, true, sample.context)).toEqual(sample.expected);
  });

  it.each(samples.map((sample) => [sample.name, sample] as const))(
    'streams %s: the deltas of every prefix add up to the final parse',
    (_name, sample) => {
      const deltas: MessageDelta[] = [];
      let previous = EMPTY_MESSAGE;
      for (let end = 1; end <= sample.text.length; end++) {
        const next = format.parse(sample.text.slice(0, end), false, sample.context);
        deltas.push(...diffMessages(previous, next));
        previous = next;
      }
      deltas.push(...diffFinal(previous, format.parse(sample.text, true, sample.context)));
      const streamed = accumulate(deltas);
      expect(streamed.content).toBe(sample.expected.content);
      expect(streamed.reasoning).toBe(sample.expected.reasoning);
      const complete = sample.expected.truncatedCall ? streamed.toolCalls.slice(0, -1) : streamed.toolCalls;
      expect(complete).toEqual(sample.expected.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments })));
    },
  );
});

describe('format detection', () => {
  /** llama.cpp's models/templates that a native format claims; every other template is generic. */
  const NATIVE: Record<string, ToolFormatName> = {
    'Bielik-11B-v3.0-Instruct.jinja': 'qwen3',
    'MiMo-VL.jinja': 'hermes',
    'NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja': 'hermes',
    'NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja': 'hermes',
    'Qwen-QwQ-32B.jinja': 'qwen3',
    'Qwen-Qwen2.5-7B-Instruct.jinja': 'hermes',
    'Qwen-Qwen3-0.6B.jinja': 'qwen3',
    'Reka-Edge.jinja': 'qwen3',
    'deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja': 'deepseekR1',
    'deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja': 'deepseekR1',
    'ibm-granite-granite-4.0.jinja': 'hermes',
    'ibm-granite-granite-4.1.jinja': 'hermes',
    'llama-cpp-deepseek-r1.jinja': 'deepseekR1',
    'meetkai-functionary-medium-v3.2.jinja': 'functionary',
    'meta-llama-Llama-3.1-8B-Instruct.jinja': 'llama3',
    'meta-llama-Llama-3.2-3B-Instruct.jinja': 'llama3',
    'meta-llama-Llama-3.3-70B-Instruct.jinja': 'llama3',
    'mistralai-Mistral-Nemo-Instruct-2407.jinja': 'mistralNemo',
    'unsloth-Apriel-1.5.jinja': 'hermes',
  };

  it("detects each of llama.cpp's templates as its native format, or generic", () => {
    const dir = join(testAssets().llamaCppDir, 'models', 'templates');
    const files = readdirSync(dir).filter((file) => file.endsWith('.jinja'));
    const detected = Object.fromEntries(
      files.map((file) => [file, detectToolFormat(readFileSync(join(dir, file), 'utf8')).name]),
    );
    const expected = Object.fromEntries(files.map((file) => [file, NATIVE[file] ?? 'generic']));
    expect(detected).toEqual(expected);
    expect(Object.keys(NATIVE).every((file) => files.includes(file))).toBe(true);
  });

  it('falls back to generic for a template with no tool markup', () => {
    expect(detectToolFormat('{{ messages }}').name).toBe('generic');
  });
});
