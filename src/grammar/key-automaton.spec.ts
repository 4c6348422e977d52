import { KeyAutomaton, KeyRuleSink } from './key-automaton';
import { RegexError, parseRegex } from './regex-to-gbnf';

/** A sink collecting rules, as `GbnfBuilder` would. */
function sink(): KeyRuleSink & { rules: Map<string, string> } {
  const rules = new Map<string, string>();
  return {
    rules,
    anyChar: 'char',
    rule: (hint, body) => {
      rules.set(hint, body);
      return hint;
    },
    reserve: (hint) => {
      const name = `${hint}-${rules.size}`;
      rules.set(name, '');
      return name;
    },
    define: (name, body) => rules.set(name, body),
  };
}

describe('KeyAutomaton', () => {
  it('classes keys by the set of patterns they match', () => {
    const automaton = new KeyAutomaton([parseRegex('^a'), parseRegex('b$')]);
    expect(automaton.classes()).toEqual([[], [0], [0, 1], [1]]);
  });

  it('has only the classes some key can fall in', () => {
    // every key matches the unanchored empty pattern; "^x$" keys match both
    const automaton = new KeyAutomaton([parseRegex(''), parseRegex('^x$')]);
    expect(automaton.classes()).toEqual([[0], [0, 1]]);
  });

  it('writes one rule per live state, each alternative a character set then the next state', () => {
    const s = sink();
    const start = new KeyAutomaton([parseRegex('^ab$')]).keyRule([0], s, 'k');
    expect(s.rules.get(start)).toMatch(/^\[a\] k-\d+-\d+$/);
    const bodies = [...s.rules.values()];
    expect(bodies).toContain('""');
  });

  it('refuses anchors inside a pattern and huge repetitions', () => {
    expect(() => new KeyAutomaton([parseRegex('a(^b)')])).toThrow(RegexError);
    expect(() => new KeyAutomaton([parseRegex('^a{1000}$')])).toThrow(/repetitions/);
  });
});
