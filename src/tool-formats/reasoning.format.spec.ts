import { GbnfBuilder } from '../grammar';
import { deepseekR1Format, promptClosesThink, promptOpensThink, qwen3Format } from './reasoning.format';

describe('promptOpensThink', () => {
  it.each([
    ['<｜User｜>Hi<｜Assistant｜><think>\n', true],
    ['<|im_start|>assistant\n<think>\n  \t', true],
    ['<|im_start|>assistant\n<think>\n</think>', false],
    ['<|im_start|>assistant\n<think>\n\n</think>\n\n', false],
    ['<|im_start|>assistant\n', false],
    [undefined, false],
  ])('%j → %s', (prompt, open) => {
    expect(promptOpensThink(prompt)).toBe(open);
  });
});

describe('qwen3 format', () => {
  const inner = '<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>';

  it('never reports a call written inside the think block, at any point of the stream', () => {
    const text = `<think>\nMaybe ${inner}\n</think>\n\nNo call needed.`;
    for (let end = 0; end <= text.length; end++) {
      expect(qwen3Format.parse(text.slice(0, end), false).toolCalls).toEqual([]);
    }
    expect(qwen3Format.parse(text, true)).toEqual({
      content: 'No call needed.',
      reasoning: `Maybe ${inner}`,
      toolCalls: [],
      truncatedCall: false,
    });
  });

  it('reads reasoning from the first character when the prompt opened the think block', () => {
    const context = { prompt: '<|im_start|>assistant\n<think>\n' };
    const text = `Call f.\n</think>\n\n${inner}`;
    expect(qwen3Format.parse(text, true, context)).toEqual({
      content: '',
      reasoning: 'Call f.',
      toolCalls: [{ name: 'f', arguments: '{}' }],
      truncatedCall: false,
    });
    expect(qwen3Format.parse('Call f. <tool_call>', false, context)).toEqual({
      content: '',
      reasoning: 'Call f. <tool_call>',
      toolCalls: [],
      truncatedCall: false,
    });
  });

  it('holds back what may still open the think block', () => {
    expect(qwen3Format.parse('\n<thi', false).content).toBe('');
    expect(qwen3Format.parse('\n<thi', true).content).toBe('\n<thi');
  });
});

describe('deepseekR1 format', () => {
  const context = { prompt: '<｜Assistant｜><think>\n' };

  it('does not return a call whose markup is incomplete', () => {
    const text =
      'ok\n</think>\n\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{"city": "Paris"}\n``';
    expect(deepseekR1Format.parse(text, false, context).toolCalls).toEqual([
      { name: 'get_weather', arguments: '{"city": "Paris"}' },
    ]);
    expect(deepseekR1Format.parse(text, true, context)).toEqual({
      content: '',
      reasoning: 'ok',
      toolCalls: [],
      truncatedCall: true,
    });
  });

  it('names no call before its name is complete', () => {
    const text = 'ok\n</think>\n\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_wea';
    expect(deepseekR1Format.parse(text, false, context).toolCalls).toEqual([]);
  });
});

describe('a prompt that closed the think block (enable_thinking: false)', () => {
  it('allows no think block before the calls', () => {
    const tools = [{ name: 'f', parameters: { type: 'object', properties: {}, additionalProperties: false } }];
    const closed = qwen3Format.constraints(tools, { mode: 'required' }, false, new GbnfBuilder(), {
      prompt: '<|im_start|>assistant\n<think>\n\n</think>\n\n',
    });
    const open = qwen3Format.constraints(tools, { mode: 'required' }, false, new GbnfBuilder(), {
      prompt: '<|im_start|>assistant\n',
    });
    expect(closed.grammar).not.toContain('think-text');
    expect(open.grammar).toContain('think-text');
    expect(promptClosesThink('x</think>\n\n')).toBe(true);
    expect(promptClosesThink('x<think>\n')).toBe(false);
  });
});
