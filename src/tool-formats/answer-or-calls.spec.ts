import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testAssets } from '../../test/support/test-assets';
import { GbnfBuilder } from '../grammar';
import { FUNCTIONARY_MARKERS } from './functionary.format';
import { HERMES_MARKERS } from './hermes.format';
import { FORMATS, ToolFormatName } from './index';
import { LLAMA3_MARKERS } from './llama3.format';
import { MISTRAL_NEMO_MARKERS } from './mistral-nemo.format';
import { DEEPSEEK_R1_MARKERS, THINK_MARKERS } from './reasoning.format';
import { FormatContext, ToolSpec } from './tool-format';

const TOOLS: ToolSpec[] = [
  {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 10 } }, required: ['city'] },
  },
];
const ANSWER_SCHEMA = {
  type: 'object',
  properties: { answer: { type: 'string', maxLength: 10 } },
  required: ['answer'],
  additionalProperties: false,
};
const ANSWER = '{"answer":"ok"}';
const ARGS = '{"city":"Oslo"}';
const R1 = DEEPSEEK_R1_MARKERS;
const THOUGHT = `hm${THINK_MARKERS.close}${THINK_MARKERS.afterClose}`;

/**
 * Per format: the prompt the output continues, and outputs in its markup — the constrained answer
 * and one call — as the grammar must accept them.
 */
const CASES: Record<ToolFormatName, { prompt: string; answer: string; call: string }> = {
  hermes: {
    prompt: '<|im_start|>assistant\n',
    answer: ANSWER,
    call: `${HERMES_MARKERS.open}${HERMES_MARKERS.beforeName}get_weather${HERMES_MARKERS.beforeArguments}${ARGS}${HERMES_MARKERS.afterArguments}${HERMES_MARKERS.close}`,
  },
  qwen3: {
    prompt: '<|im_start|>assistant\n<think>\n\n</think>\n\n',
    answer: ANSWER,
    call: `${HERMES_MARKERS.open}${HERMES_MARKERS.beforeName}get_weather${HERMES_MARKERS.beforeArguments}${ARGS}${HERMES_MARKERS.afterArguments}${HERMES_MARKERS.close}`,
  },
  deepseekR1: {
    prompt: '<｜User｜>Weather?<｜Assistant｜><think>\n',
    answer: `${THOUGHT}${ANSWER}`,
    call: `${THOUGHT}${R1.callsBegin}${R1.callBegin}${R1.beforeName}get_weather${R1.beforeArguments}${ARGS}${R1.afterArguments}${R1.callEnd}${R1.callsEnd}`,
  },
  llama3: {
    prompt: '<|start_header_id|>assistant<|end_header_id|>\n\n',
    answer: ANSWER,
    call: `${LLAMA3_MARKERS.beforeName}get_weather${LLAMA3_MARKERS.beforeArguments}${ARGS}${LLAMA3_MARKERS.afterArguments}`,
  },
  mistralNemo: {
    prompt: '[/INST]',
    answer: ANSWER,
    call: `${MISTRAL_NEMO_MARKERS.toolCalls}${MISTRAL_NEMO_MARKERS.open}${MISTRAL_NEMO_MARKERS.beforeName}get_weather${MISTRAL_NEMO_MARKERS.beforeArguments}${ARGS}${MISTRAL_NEMO_MARKERS.beforeId}a1B2c3D4e${MISTRAL_NEMO_MARKERS.afterId}${MISTRAL_NEMO_MARKERS.close}`,
  },
  functionary: {
    prompt: '<|start_header_id|>assistant<|end_header_id|>\n\n>>>',
    answer: `${FUNCTIONARY_MARKERS.text}${FUNCTIONARY_MARKERS.afterRecipient}${ANSWER}`,
    call: `get_weather${FUNCTIONARY_MARKERS.afterRecipient}${ARGS}`,
  },
  generic: {
    prompt: '<|im_start|>assistant\n',
    answer: ANSWER,
    call: `{"tool_calls": [{"name": "get_weather", "arguments": ${ARGS}}]}`,
  },
};

describe('tool_choice auto with a constrained answer (tools beside response_format)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'answer-or-calls-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const accepts = (grammar: string, input: string): boolean => {
    writeFileSync(join(dir, 'grammar.gbnf'), grammar);
    writeFileSync(join(dir, 'input.txt'), input);
    const output = execFileSync(testAssets().gbnfValidator, [join(dir, 'grammar.gbnf'), join(dir, 'input.txt')], {
      encoding: 'utf8',
    });
    return output.startsWith('Input string is valid');
  };

  describe.each(Object.keys(CASES) as ToolFormatName[])('%s', (name) => {
    const format = FORMATS[name];
    const { prompt, answer, call } = CASES[name];
    const builder = new GbnfBuilder();
    const context: FormatContext = { prompt, answerRule: builder.addSchema(ANSWER_SCHEMA, 'answer') };
    const constraints = format.constraints(TOOLS, { mode: 'auto' }, false, builder, context);

    it('constrains from the first token', () => {
      expect(constraints.grammarLazy).toBe(false);
      expect(constraints.grammarTriggers).toEqual([]);
    });

    it("accepts the answer, parsed as content, and a call in the format's markup", () => {
      expect(accepts(constraints.grammar, answer)).toBe(true);
      expect(accepts(constraints.grammar, call)).toBe(true);
      const parsed = format.parse(answer, true, context);
      expect(parsed).toMatchObject({ content: ANSWER, toolCalls: [] });
      expect(format.parse(call, true, context).toolCalls).toMatchObject([{ name: 'get_weather' }]);
    });

    it('rejects free text and answers outside the schema', () => {
      expect(accepts(constraints.grammar, answer.replace(ANSWER, 'Hello'))).toBe(false);
      expect(accepts(constraints.grammar, answer.replace(ANSWER, '{"answer":"ok","x":1}'))).toBe(false);
    });
  });
});
