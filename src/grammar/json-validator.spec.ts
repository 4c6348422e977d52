import { GrammarCache } from './grammar-cache';
import { InvalidSchemaError, JsonValidator, isExactMultiple } from './json-validator';
import { SchemaConversionError } from './schema-conversion-error';
import { toDraft2020 } from './schema-dialect';

describe('JsonValidator', () => {
  const validator = new JsonValidator();

  it('validates JSON text against a 2020-12 schema with formats', () => {
    const schema = { type: 'object', properties: { d: { type: 'string', format: 'date' } }, required: ['d'] };
    expect(validator.validateText(schema, '{"d":"2024-02-29"}')).toEqual({ valid: true, value: { d: '2024-02-29' } });
    expect(validator.validateText(schema, '{"d":"2023-02-29"}')).toMatchObject({ valid: false, errors: expect.stringContaining('format') });
    expect(validator.validateText(schema, '{"d":')).toMatchObject({ valid: false, errors: expect.stringContaining('not JSON') });
  });

  it("throws InvalidSchemaError with ajv's message for an invalid schema", () => {
    expect(() => validator.compile({ type: 'strng' })).toThrow(InvalidSchemaError);
    expect(() => validator.compile({ minLength: -1 })).toThrow(/must be >= 0/);
  });

  it('compiles each distinct schema once (keys in any order)', () => {
    const a = validator.compile({ type: 'string', maxLength: 3 });
    expect(validator.compile({ maxLength: 3, type: 'string' })).toBe(a);
  });

  it('decides multipleOf exactly on decimals (0.3 is a multiple of 0.1)', () => {
    expect(isExactMultiple(0.3, 0.1)).toBe(true);
    expect(isExactMultiple(19.99, 0.01)).toBe(true);
    expect(isExactMultiple(0.0075, 0.0001)).toBe(true);
    expect(isExactMultiple(1.005, 0.01)).toBe(false);
    expect(validator.errorsOf({ multipleOf: 0.1 }, 0.3)).toBeUndefined();
    expect(validator.errorsOf({ multipleOf: 0.1 }, 0.35)).toMatch(/multiple of 0.1/);
  });

  it('reads draft-07 forms (items array, additionalItems, dependencies, definitions)', () => {
    const draft7 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      definitions: { n: { type: 'integer' } },
      items: [{ $ref: '#/definitions/n' }],
      additionalItems: false,
      dependencies: { a: ['b'] },
    };
    expect(toDraft2020(draft7)).toEqual({
      definitions: { n: { type: 'integer' } },
      prefixItems: [{ $ref: '#/definitions/n' }],
      items: false,
      dependentRequired: { a: ['b'] },
    });
    expect(validator.validateText(draft7, '[1]')).toMatchObject({ valid: true });
    expect(validator.validateText(draft7, '[1,2]')).toMatchObject({ valid: false });
  });

  it('treats unknown keywords and formats as annotations', () => {
    expect(validator.validateText({ type: 'string', format: 'x-custom', 'x-note': 1 }, '"a"')).toMatchObject({ valid: true });
  });
});

describe('GrammarCache', () => {
  it('converts each distinct schema and options once, keyed canonically', () => {
    const cache = new GrammarCache(2);
    const first = cache.get({ type: 'string', maxLength: 3 });
    expect(cache.get({ maxLength: 3, type: 'string' })).toBe(first);
    expect(cache.size).toBe(1);
    cache.get({ type: 'object' }, { additionalPropertiesDefault: false });
    cache.get({ type: 'object' });
    expect(cache.size).toBe(2);
  });

  it('bounds the total length of the grammars it keeps', () => {
    const cache = new GrammarCache(8, undefined, 200);
    const schemas = [1, 2, 3].map((n) => ({ type: 'string', pattern: `^${'ab'.repeat(n)}c+$` }));
    const sizes = schemas.map((schema) => cache.get(schema).length);
    expect(Math.max(...sizes)).toBeLessThan(200);
    expect(Math.min(...sizes)).toBeGreaterThan(100);
    expect(cache.size).toBe(1);
  });

  it('does not cache refusals', () => {
    const cache = new GrammarCache();
    expect(() => cache.get({ uniqueItems: true, type: 'array', items: { type: 'integer' } })).toThrow(SchemaConversionError);
    expect(cache.size).toBe(0);
  });
});
