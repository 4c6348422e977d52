import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonValidator, SchemaConversionError, schemaToGbnf } from '../src/grammar';
import { createAjv } from '../src/grammar/json-validator';
import { CORPUS, CorpusCase, REFUSED } from './grammar-corpus';
import { testAssets } from './support/test-assets';

/**
 * Acceptance judged by llama.cpp's own GBNF engine (`test-gbnf-validator`, built from the same
 * source as llama-server): every valid instance of the corpus is accepted (completeness), every
 * invalid one rejected (soundness); the labels themselves are checked with ajv.
 */
describe('JSON Schema → GBNF, judged by llama.cpp test-gbnf-validator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lts-gbnf-'));
  const validator = new JsonValidator();
  let checked = 0;

  /** Whether llama.cpp's engine accepts `text` under `grammar` (throws when the grammar does not parse). */
  const accepts = (grammar: string, text: string): boolean => {
    writeFileSync(join(dir, 'grammar.gbnf'), grammar);
    writeFileSync(join(dir, 'input.txt'), text);
    const out = execFileSync(testAssets().gbnfValidator, [join(dir, 'grammar.gbnf'), join(dir, 'input.txt')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (out.includes('Input string is valid')) return true;
    if (out.includes('Input string is invalid')) return false;
    throw new Error(`test-gbnf-validator: ${out}`);
  };

  /** ajv's judgement of instances of `c` (its remote documents added to an ajv of their own). */
  const labelOf = (c: CorpusCase): ((text: string) => boolean) => {
    if (!c.remote) return (text) => validator.validateText(c.schema, text).valid;
    const ajv = createAjv();
    for (const [uri, document] of Object.entries(c.remote)) ajv.addSchema(document as object, uri);
    const validate = ajv.compile(c.schema as object);
    return (text) => validate(JSON.parse(text)) as boolean;
  };

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`grammar acceptance: ${checked} instances checked by llama.cpp's engine\n`);
  });

  describe.each(CORPUS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const grammar = schemaToGbnf(c.schema, { additionalPropertiesDefault: !c.strict, remoteDocuments: c.remote });

    it('labels agree with ajv (but where ajv misjudges the spec)', () => {
      const checkable = (text: string) => !c.ajvMisjudges?.includes(text);
      const valid = labelOf(c);
      for (const text of [...c.valid, ...(c.narrowedOut ?? [])].filter(checkable)) expect([text, valid(text)]).toEqual([text, true]);
      for (const text of c.invalid.filter(checkable)) expect([text, valid(text)]).toEqual([text, false]);
      for (const text of c.ajvMisjudges ?? []) expect([...c.valid, ...c.invalid]).toContain(text);
    });

    it('accepts every valid instance (completeness)', () => {
      for (const text of c.valid) {
        expect([text, accepts(grammar, text)]).toEqual([text, true]);
        checked++;
      }
    });

    it('rejects every invalid instance (soundness), and the valid ones it narrows out', () => {
      for (const text of [...c.invalid, ...(c.narrowedOut ?? [])]) {
        expect([text, accepts(grammar, text)]).toEqual([text, false]);
        checked++;
      }
    });
  });

  it('rejects insignificant whitespace: output is compact', () => {
    const grammar = schemaToGbnf({ type: 'object', properties: { a: { type: 'array' } } });
    expect(accepts(grammar, '{"a":[1,2]}')).toBe(true);
    expect(accepts(grammar, '{"a": [1,2]}')).toBe(false);
    expect(accepts(grammar, '{ "a":[1,2]}')).toBe(false);
    expect(accepts(grammar, '{"a":[1, 2]}')).toBe(false);
    expect(accepts(grammar, '{"a":[1,2]}\n')).toBe(false);
  });

  it('repeats beyond llama.cpp\'s 2000 limit exactly (maxLength 2500)', () => {
    const grammar = schemaToGbnf({ type: 'string', maxLength: 2500 });
    expect(accepts(grammar, JSON.stringify('x'.repeat(2500)))).toBe(true);
    expect(accepts(grammar, JSON.stringify('x'.repeat(2501)))).toBe(false);
  });

  it.each(REFUSED.map((r) => [r.name, r] as const))('refuses %s, naming keyword and pointer', (_name, r) => {
    let error: unknown;
    try {
      schemaToGbnf(r.schema);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SchemaConversionError);
    expect((error as SchemaConversionError).issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ keyword: r.keyword, pointer: r.pointer })]),
    );
  });
});
