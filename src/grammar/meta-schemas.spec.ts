import { withMetaSchemas } from './meta-schemas';

describe('withMetaSchemas', () => {
  const META = 'https://json-schema.org/draft/2020-12/schema';

  it('embeds the 2020-12 meta-schema and its vocabularies when a reference names one', () => {
    const document = withMetaSchemas({ properties: { s: { $ref: `${META}#` } }, $defs: { own: { type: 'string' } } });
    const defs = (document as { $defs: Record<string, { $id?: string; $schema?: string }> }).$defs;
    expect(defs.own).toEqual({ type: 'string' });
    const ids = Object.values(defs).flatMap((d) => (d.$id ? [d.$id] : []));
    expect(ids).toContain(META);
    expect(ids).toContain('https://json-schema.org/draft/2020-12/meta/validation');
    expect(ids).toHaveLength(8);
    expect(Object.values(defs).some((d) => d.$schema !== undefined)).toBe(false);
  });

  it('leaves other documents as they are', () => {
    const plain = { $ref: '#/$defs/a', $defs: { a: { const: { $ref: META } } } };
    expect(withMetaSchemas(true)).toBe(true);
    expect(withMetaSchemas({ $ref: 'https://example.com/schema' })).toEqual({ $ref: 'https://example.com/schema' });
    const ownCopy = { $ref: META, $defs: { m: { $id: META } } };
    expect(withMetaSchemas(ownCopy)).toBe(ownCopy);
    expect(withMetaSchemas({ $ref: META, $defs: [] })).toEqual({ $ref: META, $defs: [] });
    expect(withMetaSchemas(plain)).toBe(plain);
  });
});
