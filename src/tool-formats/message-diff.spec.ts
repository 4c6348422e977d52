import { diffMessages, EMPTY_MESSAGE } from './message-diff';
import { ParsedMessage } from './tool-format';

const message = (content: string, calls: [string, string][] = []): ParsedMessage => ({
  ...EMPTY_MESSAGE,
  content,
  toolCalls: calls.map(([name, args]) => ({ name, arguments: args })),
});

describe('diffMessages', () => {
  it('emits the content suffix, argument fragments of known calls, then new calls', () => {
    expect(diffMessages(message('Hi', [['f', '{"a"']]), message('Hi there', [['f', '{"a": 1}'], ['g', '{']]))).toEqual([
      { content: ' there' },
      { toolCall: { index: 0, arguments: ': 1}' } },
      { toolCall: { index: 1, name: 'g', arguments: '{' } },
    ]);
  });

  it('refuses a parse that does not extend what was streamed', () => {
    let streamed = '';
    for (let token = 0; token < 100; token++) streamed += 'ab';
    expect(() => diffMessages(message(streamed), message(`${streamed.slice(0, -1)}c!`))).toThrow(
      'content is not an extension of what was streamed',
    );
    expect(() => diffMessages(message('x', [['f', '{"a"']]), message('x', [['f', '{"b"']]))).toThrow(
      'tool call 0 arguments is not an extension of what was streamed',
    );
    expect(() => diffMessages(message('x', [['f', '{']]), message('x', [['g', '{']]))).toThrow('changed its name');
  });
});
