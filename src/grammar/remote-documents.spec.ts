import { loadRemoteDocuments, MAX_REMOTE_DOCUMENTS, withRemoteDocuments } from './remote-documents';

describe('loadRemoteDocuments', () => {
  /** A loader over fixed documents that records what it was asked for. */
  const loaderOf = (documents: Record<string, unknown>) => {
    const asked: string[] = [];
    const load = async (uri: string) => {
      asked.push(uri);
      if (!(uri in documents)) throw new Error(`no document at ${uri}`);
      return documents[uri];
    };
    return { asked, load };
  };

  it('loads what references name outside the document, resolved against nested $ids, and what those reference', async () => {
    const { asked, load } = loaderOf({
      'http://example.com/folder/integer.json': { type: 'integer' },
      'http://example.com/tree.json': { $defs: { leaf: { $ref: 'leaf.json' } } },
      'http://example.com/leaf.json': { type: 'string', maxLength: 3 },
    });
    const schema = {
      $id: 'http://example.com/root.json',
      properties: {
        n: { $id: 'folder/', $ref: 'integer.json' },
        t: { $ref: 'tree.json#/$defs/leaf' },
        own: { $ref: '#/$defs/own' },
      },
      $defs: { own: { type: 'null' } },
    };
    const { documents, failure } = await loadRemoteDocuments(schema, load);
    expect(failure).toBeUndefined();
    expect(Object.keys(documents).sort()).toEqual([
      'http://example.com/folder/integer.json',
      'http://example.com/leaf.json',
      'http://example.com/tree.json',
    ]);
    expect(asked).toHaveLength(3);
  });

  it('loads nothing for references within the document or to the 2020-12 meta-schema', async () => {
    const { asked, load } = loaderOf({});
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      properties: { s: { $ref: 'https://json-schema.org/draft/2020-12/schema' }, a: { $ref: '#/$defs/a' } },
      $defs: { a: { const: { $ref: 'http://example.com/data-not-a-reference' } } },
    };
    expect(await loadRemoteDocuments(schema, load)).toEqual({ documents: {} });
    expect(asked).toEqual([]);
  });

  it('reports the first failure with what loaded before it', async () => {
    const { load } = loaderOf({ 'http://example.com/a.json': { $ref: 'missing.json' } });
    const { documents, failure } = await loadRemoteDocuments({ $ref: 'http://example.com/a.json' }, load);
    expect(Object.keys(documents)).toEqual(['http://example.com/a.json']);
    expect(failure).toMatch(/no document at http:\/\/example.com\/missing.json/);
  });

  it(`stops after ${MAX_REMOTE_DOCUMENTS} documents`, async () => {
    const chain = Object.fromEntries(
      Array.from({ length: MAX_REMOTE_DOCUMENTS + 5 }, (_, i) => [`http://example.com/${i}.json`, { $ref: `${i + 1}.json` }]),
    );
    const { documents, failure } = await loadRemoteDocuments({ $ref: 'http://example.com/0.json' }, loaderOf(chain).load);
    expect(Object.keys(documents)).toHaveLength(MAX_REMOTE_DOCUMENTS);
    expect(failure).toMatch(new RegExp(`more than ${MAX_REMOTE_DOCUMENTS} remote documents`));
  });
});

describe('withRemoteDocuments', () => {
  it('embeds each document under $defs as a resource identified by the URI it was loaded from', () => {
    const document = withRemoteDocuments(
      { $ref: 'http://example.com/a.json', $defs: { own: { type: 'null' } } },
      {
        'http://example.com/a.json': { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'integer' },
        'http://example.com/no.json': false,
        'http://example.com/moved.json': { $id: 'http://example.com/elsewhere.json', type: 'string' },
        'http://example.com/list.json': [1],
      },
    );
    expect(document).toEqual({
      $ref: 'http://example.com/a.json',
      $defs: {
        own: { type: 'null' },
        'llama-tools-server:remote:0': { $id: 'http://example.com/a.json', type: 'integer' },
        'llama-tools-server:remote:1': { $id: 'http://example.com/no.json', not: {} },
        'llama-tools-server:remote:2': {
          $id: 'http://example.com/moved.json',
          $ref: 'http://example.com/elsewhere.json',
          $defs: { document: { $id: 'http://example.com/elsewhere.json', type: 'string' } },
        },
        'llama-tools-server:remote:3': { $id: 'http://example.com/list.json', allOf: [[1]] },
      },
    });
  });

  it('leaves the document as it is without remote documents', () => {
    const plain = { $ref: '#/$defs/a', $defs: { a: true } };
    expect(withRemoteDocuments(plain, undefined)).toBe(plain);
    expect(withRemoteDocuments(plain, {})).toBe(plain);
    expect(withRemoteDocuments(true, { 'http://example.com/a.json': {} })).toBe(true);
  });
});
