import { functionaryFormat } from './functionary.format';

describe('functionary format', () => {
  it('joins text segments around calls into the content', () => {
    expect(functionaryFormat.parse('all\nA>>>f\n{"x": 1}>>>all\nB', true)).toEqual({
      content: 'AB',
      reasoning: '',
      toolCalls: [{ name: 'f', arguments: '{"x": 1}' }],
      truncatedCall: false,
    });
  });

  it('keeps text after a call that starts no segment', () => {
    expect(functionaryFormat.parse('f\n{}\nthanks >>', true).content).toBe('thanks >>');
  });

  it('holds back an unfinished recipient while streaming', () => {
    expect(functionaryFormat.parse('get_wea', false).content).toBe('');
    expect(functionaryFormat.parse('get_weather\n', false)).toEqual({
      content: '',
      reasoning: '',
      toolCalls: [],
      truncatedCall: false,
    });
    expect(functionaryFormat.parse('get_wea', true).content).toBe('get_wea');
    expect(functionaryFormat.parse('all\nA>>>get_wea', false).content).toBe('A');
    expect(functionaryFormat.parse('all\nA>>>get_wea', true).content).toBe('A>>>get_wea');
  });
});
