import { escapeRegex } from './grammar-helpers';
import { functionaryTrigger } from './functionary.format';
import { LLAMA3_ANSWER_TRIGGER, LLAMA3_MARKERS } from './llama3.format';
import { afterThinkTrigger, DEEPSEEK_R1_MARKERS } from './reasoning.format';
import { GrammarTrigger } from './tool-format';

/**
 * Where llama.cpp's lazy grammar would start, checking the triggers after every generated
 * character as common/sampling.cpp and src/llama-grammar.cpp do after every token: words and
 * `pattern`s are searched, `pattern_full`s must match the whole text (anchored `^…$`); the
 * grammar starts at the first non-empty capture, else at the match. `undefined`: never fires.
 */
function grammarStart(triggers: GrammarTrigger[], text: string): number | undefined {
  const regexes = triggers.map((trigger) => {
    if (trigger.type === 'word') return new RegExp(escapeRegex(trigger.value), 'd');
    if (trigger.type === 'pattern') return new RegExp(trigger.value, 'd');
    return new RegExp(`^${trigger.value}$`, 'd');
  });
  for (let end = 1; end <= text.length; end++) {
    for (const regex of regexes) {
      const match = regex.exec(text.slice(0, end));
      if (!match?.indices) continue;
      const group = match.indices.slice(1).find((range) => range !== undefined && range[1] > range[0]);
      return group ? group[0] : match.index;
    }
  }
  return undefined;
}

describe('reasoning triggers (Qwen 3 / QwQ, DeepSeek R1)', () => {
  const hermes = [afterThinkTrigger('<tool_call>', false)];
  const call = '<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>';

  it.each([
    ['a call that is the whole answer', `${call}`, 0],
    ['a call after text', `Sure.\n${call}`, 6],
    ['a call after leading whitespace', `\n\n${call}`, 2],
    ['a call after a closed think block', `<think>\nplan\n</think>\n\n${call}`, 23],
    ['text that mentions <think> later', `Text with <think> then ${call}`, 23],
  ])('fires at the call: %s', (_name, text, start) => {
    expect(grammarStart(hermes, text)).toBe(start);
  });

  it('fires at the call after the think block, not at one inside it', () => {
    const text = `<think>\nmaybe ${call} then\n</think>\n\n${call}`;
    expect(grammarStart(hermes, text)).toBe(text.lastIndexOf('<tool_call>'));
  });

  it.each([
    ['inside an unclosed think block', `<think>\nmaybe ${call}`],
    ['inside a think block after whitespace', `  <think>\n${call}`],
    ['without a call', '<think>\nplan\n</think>\n\nJust text.'],
  ])('never fires %s', (_name, text) => {
    expect(grammarStart(hermes, text)).toBeUndefined();
  });

  describe('when the prompt opened the think block', () => {
    const r1 = [afterThinkTrigger(DEEPSEEK_R1_MARKERS.callsBegin, true)];
    const calls = `${DEEPSEEK_R1_MARKERS.callsBegin}${DEEPSEEK_R1_MARKERS.callBegin}function`;

    it('never fires before </think>', () => {
      expect(grammarStart(r1, `thinking about ${calls} still`)).toBeUndefined();
    });

    it('fires at the calls after </think>', () => {
      const text = `thinking ${calls}\n</think>\n\nChecking.${calls}`;
      expect(grammarStart(r1, text)).toBe(text.lastIndexOf(DEEPSEEK_R1_MARKERS.callsBegin));
    });
  });
});

describe('Functionary v3.2 trigger', () => {
  const triggers = [functionaryTrigger(['get_weather', 'get'])];

  it.each([
    ['a first-segment call', 'get_weather\n{"city": "Paris"}', 0],
    ['a call named by a prefix of another name', 'get\n{}', 0],
    ['a call after text', 'all\nLet me check.>>>get_weather\n{', 'all\nLet me check.'.length],
    ['a call after several text segments', 'all\nA>>>all\nB >>> C>>>get\n{', 'all\nA>>>all\nB >>> C'.length],
  ])('starts the grammar at %s', (_name, text, start) => {
    expect(grammarStart(triggers, text)).toBe(start);
  });

  it.each([
    ['text only', 'all\nJust text >>> and more\n'],
    ['an unknown recipient', 'all\nA>>>python\n{'],
    ['a call without the all segment first', 'Hello\nget_weather\n{'],
  ])('never fires for %s', (_name, text) => {
    expect(grammarStart(triggers, text)).toBeUndefined();
  });
});

describe('Llama 3.x triggers', () => {
  const triggers: GrammarTrigger[] = [{ type: 'word', value: LLAMA3_MARKERS.pythonTag }, LLAMA3_ANSWER_TRIGGER];

  it.each([
    ['a call that is the whole answer', '{"name": "get_weather", "parameters": {}}', 0],
    ['a call after whitespace', '\n {"name": "x"', 2],
    ['a call after <|python_tag|>', 'Text<|python_tag|>{"name": "x"', 4],
  ])('starts the grammar at %s', (_name, text, start) => {
    expect(grammarStart(triggers, text)).toBe(start);
  });

  it('never fires for JSON in the middle of text', () => {
    expect(grammarStart(triggers, 'Example: {"name": "x", "parameters": {}}')).toBeUndefined();
  });
});
