import { mistralNemoFormat } from './mistral-nemo.format';

describe('mistralNemo format', () => {
  const text = '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "a1B2c3D4e"}]';

  it('returns the id the model wrote once it is complete', () => {
    const idStart = text.indexOf('a1B2');
    expect(mistralNemoFormat.parse(text.slice(0, idStart + 4), false).toolCalls).toEqual([
      { name: 'get_weather', arguments: '{"city": "Paris"}' },
    ]);
    expect(mistralNemoFormat.parse(text.slice(0, idStart + 10), false).toolCalls).toEqual([
      { name: 'get_weather', arguments: '{"city": "Paris"}', id: 'a1B2c3D4e' },
    ]);
  });

  it('accepts calls without an id and with other JSON whitespace', () => {
    expect(
      mistralNemoFormat.parse('[TOOL_CALLS] [ {"name":"f","arguments":{} } ,{ "name" : "g", "arguments" : [1], "id":"xyz" } ]', true),
    ).toEqual({
      content: '',
      reasoning: '',
      toolCalls: [
        { name: 'f', arguments: '{}' },
        { name: 'g', arguments: '[1]', id: 'xyz' },
      ],
      truncatedCall: false,
    });
  });

  it('reports a cut-off call array that never started', () => {
    expect(mistralNemoFormat.parse('Sure.[TOOL_CALLS]', true)).toEqual({
      content: 'Sure.',
      reasoning: '',
      toolCalls: [],
      truncatedCall: true,
    });
  });
});
