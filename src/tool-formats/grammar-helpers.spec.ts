import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testAssets } from '../../test/support/test-assets';
import { escapeRegex, gbnfTextWithout } from './grammar-helpers';

describe('gbnfTextWithout', () => {
  it('builds the exclusion of </think> from its automaton', () => {
    const prefix = '("/" ("t" ("h" ("i" ("n" ("k")?)?)?)?)?)?';
    const exit = '([^/<] | "/" ([^t<] | "t" ([^h<] | "h" ([^i<] | "i" ([^n<] | "n" ([^k<] | "k" [^><]))))))';
    expect(gbnfTextWithout('</think>')).toBe(
      `([^<] | "<" (${prefix} "<")* ${exit})* ("<" (${prefix} "<")* ${prefix})?`,
    );
  });

  it('escapes characters that are special in GBNF and handles one-character markers', () => {
    expect(gbnfTextWithout('"')).toBe('[^\\x22]*');
    expect(gbnfTextWithout('[-]')).toBe(
      '([^\\x5b] | "\\x5b" (("\\x2d")? "\\x5b")* ([^\\x2d\\x5b] | "\\x2d" [^\\x5d\\x5b]))* ' +
        '("\\x5b" (("\\x2d")? "\\x5b")* ("\\x2d")?)?',
    );
  });

  it('refuses markers whose first character repeats', () => {
    expect(() => gbnfTextWithout('abab')).toThrow(/first character must not repeat/);
    expect(() => gbnfTextWithout('')).toThrow();
  });

  describe("accepted by llama.cpp's grammar engine (test-gbnf-validator)", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'gbnf-text-without-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const accepts = (root: string, input: string): boolean => {
      const grammar = join(dir, 'grammar.gbnf');
      const text = join(dir, 'input.txt');
      writeFileSync(grammar, `root ::= ${root}\n`);
      writeFileSync(text, input);
      const output = execFileSync(testAssets().gbnfValidator, [grammar, text], { encoding: 'utf8' });
      return output.startsWith('Input string is valid');
    };
    const thinkText = gbnfTextWithout('</think>');

    it.each(['', 'plain', 'a < b', '<</th', 'a</t<x', '</thinking>', 'x <think> y', 'ends with <', 'ends </think'])(
      'accepts text free of </think>: %j',
      (input) => {
        expect(accepts(`(${thinkText})`, input)).toBe(true);
      },
    );

    it.each(['</think>', 'a</think>', '<</think>', 'a </t</think> b', '</think></think>'])(
      'rejects text containing </think>: %j',
      (input) => {
        expect(accepts(`(${thinkText})`, input)).toBe(false);
      },
    );

    it.each(['</think>', 'x </th</think>', 'a<</think>', 'one\ntwo </thin</think>'])(
      'closes the block at the first </think>: %j',
      (input) => {
        expect(accepts(`(${thinkText}) "</think>"`, input)).toBe(true);
      },
    );

    it('closes the block only once', () => {
      expect(accepts(`(${thinkText}) "</think>"`, 'a</think>b</think>')).toBe(false);
    });

    it('handles markers with GBNF-special characters', () => {
      const marker = '["\\]';
      const root = `(${gbnfTextWithout(marker)})`;
      expect(accepts(root, 'a[b]"c\\d [" x')).toBe(true);
      expect(accepts(root, `a${marker}`)).toBe(false);
    });
  });
});

describe('escapeRegex', () => {
  it('escapes regex syntax and line breaks', () => {
    const text = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o\np\tq<｜tool▁sep｜>';
    expect(new RegExp(`^${escapeRegex(text)}$`).test(text)).toBe(true);
    expect(escapeRegex('x\ny')).toBe('x\\ny');
  });
});
