import { hermesFormat } from '../tool-formats/hermes.format';
import { ChatObserver } from './chat-observer';
import { observedToolCalling } from './observed-tool-calling';
import { ToolCalling } from './tool-calling';

describe('observedToolCalling', () => {
  const seen: Array<[string, string, number]> = [];
  const observer: ChatObserver = {
    toolCalls: (format, outcome, count) => seen.push([format, outcome, count]),
    grammarCacheLookup: () => undefined,
  };
  const calling = {
    format: hermesFormat,
    context: { prompt: '' },
    check: (name: string) => {
      if (name !== 'get_weather') throw new Error(`'${name}' is not among the tools`);
    },
  } as unknown as ToolCalling;

  beforeEach(() => (seen.length = 0));

  it('reports each checked call as valid or invalid, and still throws for an invalid one', () => {
    const observed = observedToolCalling(calling, observer);
    observed.check('get_weather', '{}');
    expect(() => observed.check('other', '{}')).toThrow(/not among the tools/);
    expect(seen).toEqual([
      ['hermes', 'valid', 1],
      ['hermes', 'invalid', 1],
    ]);
  });

  it('reports a call cut off in the final parse as truncated, and nothing for partial parses', () => {
    const observed = observedToolCalling(calling, observer);
    const cut = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Par';
    expect(observed.format.parse(cut, false).truncatedCall).toBe(hermesFormat.parse(cut, false).truncatedCall);
    expect(seen).toEqual([]);
    expect(observed.format.parse(cut, true).truncatedCall).toBe(true);
    expect(seen).toEqual([['hermes', 'truncated', 1]]);
    expect(observed.format.name).toBe('hermes');
  });

  it('is the calling itself without an observer', () => {
    expect(observedToolCalling(calling, undefined)).toBe(calling);
  });
});
