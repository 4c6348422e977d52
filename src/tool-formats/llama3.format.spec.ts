import { llama3Format } from './llama3.format';

describe('llama3 format', () => {
  it('never returns built-in tool syntax after <|python_tag|> as a call', () => {
    expect(llama3Format.parse('Searching.<|python_tag|>brave_search.call(query="x")', true)).toEqual({
      content: 'Searching.',
      reasoning: '',
      toolCalls: [],
      truncatedCall: true,
    });
  });

  it('holds back a possible call envelope at the start while streaming', () => {
    expect(llama3Format.parse('  {"na', false).content).toBe('');
    expect(llama3Format.parse('  {"na', true).content).toBe('  {"na');
    expect(llama3Format.parse('{"name": "get_weather", "param', false).toolCalls).toEqual([]);
    expect(llama3Format.parse('{"name": "get_weather", "parameters": {"ci', false).toolCalls).toEqual([
      { name: 'get_weather', arguments: '{"ci' },
    ]);
  });

  it('accepts JSON whitespace variants of the envelope', () => {
    expect(llama3Format.parse('\n{ "name" : "f" , "parameters" : {} }', true).toolCalls).toEqual([
      { name: 'f', arguments: '{}' },
    ]);
  });
});
