import { RegexError, RegexNode, parseRegex, regexLengths, regexToGbnf } from './regex-to-gbnf';

describe('ECMAScript regex → GBNF', () => {
  const rules: Array<[string, string]> = [];
  const context = {
    rule: (hint: string, body: string) => {
      rules.push([hint, body]);
      return `${hint}-${rules.length}`;
    },
    anyChar: 'char',
  };
  const convert = (pattern: string) => regexToGbnf(parseRegex(pattern), context, 'p');

  beforeEach(() => rules.splice(0));

  it('anchors only where ^ and $ say so (unanchored is a search)', () => {
    expect(convert('^ab$')).toBe('[a] [b]');
    expect(convert('ab')).toBe('char* [a] [b] char*');
    expect(convert('^a|b$')).toBe('([a] char* | char* [b])');
  });

  it('writes quantifiers, lazy ones included, and hoists repeated groups into rules', () => {
    expect(convert('^a{2,4}b*?c+d?$')).toBe('[a]{2,4} [b]* [c]+ [d]?');
    expect(convert('^(ab)+$')).toBe('p-part-1+');
    expect(rules).toEqual([['p-part', '[a] [b]']]);
  });

  it('writes characters JSON needs escaped as their JSON escapes', () => {
    expect(convert('^"$')).toBe('"\\x5C\\x22"');
    expect(convert('^\\\\$')).toBe('"\\x5C\\x5C"');
    expect(convert('^\\n$')).toBe('"\\x5Cn"');
    expect(convert('^[a"]$')).toBe('p-char-1');
    expect(rules[0][1]).toBe('[a] | "\\x5C\\x22"');
  });

  it('reads classes, escapes and dot with the u-flag semantics', () => {
    expect(convert('^\\d\\w$')).toBe('[0-9] [0-9A-Z\\x5Fa-z]');
    expect(convert('^[^a-z]$')).toMatch(/^p-char-\d+$/);
    expect(convert('^\\u{1F600}\\uD83D\\uDE00$')).toBe('[\\U0001F600] [\\U0001F600]');
    expect(convert('^.$')).toMatch(/^p-char-\d+$/);
    expect(rules.at(-1)![1]).not.toContain('n"');
  });

  it('computes match lengths', () => {
    expect(regexLengths(parseRegex('^[a-z]{2,3}(x|yy)?$'))).toEqual({ min: 2, max: 5 });
    expect(regexLengths(parseRegex('^a+$'))).toEqual({ min: 1, max: undefined });
  });

  it('reads Unicode property escapes as the code points RegExp gives them', () => {
    const letters = parseRegex('\\p{Letter}');
    const notDigits = parseRegex('\\P{Nd}');
    expect(letters).toEqual({ kind: 'set', ranges: expect.arrayContaining([[0x41, 0x5a], [0x61, 0x7a]]) });
    expect(notDigits.kind).toBe('set');
    const contains = (node: RegexNode, cp: number) => node.kind === 'set' && node.ranges.some(([a, b]) => a <= cp && cp <= b);
    expect([contains(letters, 0x3c0), contains(letters, 0x31), contains(notDigits, 0x31), contains(notDigits, 0x61)]).toEqual([true, false, false, true]);
  });

  it.each([
    ['(?=a)', /lookaround/],
    ['(?<!a)b', /lookaround/],
    ['(a)\\1', /backreferences/],
    ['\\bword', /word boundaries/],
    ['[', /not a valid/],
  ])('refuses %s', (pattern, message) => {
    expect(() => convert(pattern)).toThrow(RegexError);
    expect(() => convert(pattern)).toThrow(message);
  });

  it('refuses anchors inside groups', () => {
    expect(() => convert('(^a)b')).toThrow(/anchors/);
  });
});
