import { RegexError, parseRegex } from './regex-to-gbnf';
import { StringLanguage, intersectionToGbnf } from './string-intersection';

describe('intersection of string constraints → GBNF states', () => {
  const rules = new Map<string, string>();
  let reserved = 0;
  const sink = {
    reserve: (name: string) => `${name}-${reserved++}`,
    define: (name: string, body: string) => void rules.set(name, body),
  };
  const context = { rule: (hint: string) => `${hint}-rule`, anyChar: 'char' };
  const convert = (language: Omit<Partial<StringLanguage>, 'patterns'> & { patterns: string[] }, maxStates = 256) =>
    intersectionToGbnf(
      { minLength: 0, excluded: [], ...language, patterns: language.patterns.map(parseRegex) },
      sink,
      context,
      's',
      maxStates,
    );

  beforeEach(() => {
    rules.clear();
    reserved = 0;
  });

  it('writes one rule per live state of the minimal DFA, final states ending with ""', () => {
    const start = convert({ patterns: ['^ab?$'] });
    expect(start).toBe('s-state-0');
    expect([...rules.values()].sort()).toEqual(['""', '[a] s-state-1', '[b] s-state-2 | ""']);
  });

  it('intersects patterns, lengths and excluded values', () => {
    convert({ patterns: ['^a+$'], maxLength: 2, excluded: ['a'] });
    expect(rules.size).toBe(3);
    expect([...rules.values()]).toContain('""');
    expect([...rules.values()].filter((body) => body.includes('""'))).toHaveLength(1);
  });

  it('returns null when no string satisfies them all', () => {
    expect(convert({ patterns: ['^a$'], minLength: 2 })).toBeNull();
    expect(convert({ patterns: ['^a$', '^b$'] })).toBeNull();
    expect(convert({ patterns: [], maxLength: 0, excluded: [''] })).toBeNull();
  });

  it('never produces surrogate code points', () => {
    expect(convert({ patterns: ['^[\\uD800-\\uDFFF]$'] })).toBeNull();
  });

  it('refuses past the state cap and anchors inside the pattern', () => {
    expect(() => convert({ patterns: ['^[a-z]+$'], maxLength: 500 }, 64)).toThrow(RegexError);
    expect(() => convert({ patterns: ['^(a{1000}){1000}$'], maxLength: 5 }, 64)).toThrow(RegexError);
    expect(() => convert({ patterns: ['a(^b)'] })).toThrow(RegexError);
  });
});
