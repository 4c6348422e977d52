import { execFile, spawnSync } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { GbnfBuilder, schemaToGbnf } from '../src/grammar';
import { LlamaServerSupervisor } from '../src/llama/llama-server-supervisor';
import { CORPUS } from './grammar-corpus';
import { testAssets } from './support/test-assets';

/**
 * Every corpus grammar loads in llama-server (one server on the tiny model): `/completion` with the
 * grammar answers 200, and whatever it generated to the end parses as JSON valid for the schema's
 * grammar (the tiny model's output is noise, but constrained noise).
 */
describe('grammars load in llama-server', () => {
  let llama: LlamaServerSupervisor;

  beforeAll(async () => {
    const { llamaServer, model } = testAssets();
    llama = new LlamaServerSupervisor({ binary: llamaServer, model, args: ['-c', '1024', '-np', '1'], healthTimeoutMs: 60_000 });
    await llama.start();
  }, 120_000);

  afterAll(async () => {
    await llama?.stop();
  });

  const complete = async (grammar: string, seed: number) => {
    const response = await fetch(`${llama.baseUrl}/completion`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'JSON:', grammar, n_predict: 6, seed, temperature: 1 }),
    });
    return { status: response.status, body: (await response.json()) as { content: string; stop_type: string } };
  };

  it.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const grammar = schemaToGbnf(c.schema, { additionalPropertiesDefault: !c.strict, remoteDocuments: c.remote });
    const { status, body } = await complete(grammar, 1);
    expect([status, body]).toEqual([200, expect.objectContaining({ content: expect.any(String) })]);
    if (body.stop_type === 'eos') expect(() => JSON.parse(body.content)).not.toThrow();
  });

  it('loads a grammar with several tool schemas built together', async () => {
    const builder = new GbnfBuilder();
    const calls = CORPUS.slice(0, 20).map((c, i) => builder.addSchema(c.schema, `tool-${i}`));
    const { status } = await complete(builder.build(calls.join(' | ')), 2);
    expect(status).toBe(200);
  });

  it('rejects a broken grammar with an error (so the check above means something)', async () => {
    const { status } = await complete('root ::= "a" (', 3);
    expect(status).toBeGreaterThanOrEqual(400);
  });
});

/** `llama-tools-server grammar`: schema on stdin, GBNF on stdout; refusal: one line, exit 2. */
describe('llama-tools-server grammar (CLI)', () => {
  const run = (input: string, args: string[] = []) =>
    spawnSync(process.execPath, [testAssets().cli, 'grammar', ...args], { input, encoding: 'utf8' });

  it('prints the grammar of a schema', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } } };
    const result = run(JSON.stringify(schema));
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(schemaToGbnf(schema));
    expect(result.stderr).toBe('');
  });

  it('applies --strict (additionalProperties defaults to false)', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } } };
    const result = run(JSON.stringify(schema), ['--strict']);
    expect(result.stdout).toBe(schemaToGbnf(schema, { additionalPropertiesDefault: false }));
  });

  it('refuses with one line naming keyword and pointer, exit 2', () => {
    const result = run(JSON.stringify({ properties: { tags: { type: 'array', items: { type: 'integer' }, uniqueItems: true } }, if: { type: 'string', pattern: '^x' }, then: {} }));
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^unsupported schema: 'if' at '': .*'uniqueItems' at '\/properties\/tags'/);
  });

  describe('fetching the documents a schema references', () => {
    let server: Server;
    let base: string;
    const requested: string[] = [];
    const documents: Record<string, unknown> = {
      '/integer.json': { type: 'integer', minimum: 0 },
      '/pair.json': { type: 'array', prefixItems: [{ $ref: 'integer.json' }, { $ref: 'integer.json' }], items: false },
      '/huge.json': { enum: ['x'.repeat(1 << 20)] },
    };

    beforeAll(async () => {
      server = createServer((request, response) => {
        requested.push(request.url ?? '');
        const document = documents[request.url ?? ''];
        response.writeHead(document === undefined ? 404 : 200, { 'content-type': 'application/json' });
        response.end(document === undefined ? '{}' : JSON.stringify(document));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** The CLI run without blocking this process (its server must answer the fetches). */
    const runAsync = (input: string, args: string[] = []) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, [testAssets().cli, 'grammar', ...args], (error, stdout, stderr) =>
          resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
        );
        child.stdin!.end(input);
      });

    it('fetches them, and what they reference, and converts the whole', async () => {
      requested.length = 0;
      const schema = { properties: { p: { $ref: `${base}/pair.json` } } };
      const result = await runAsync(JSON.stringify(schema));
      expect([result.status, result.stderr]).toEqual([0, '']);
      expect(requested.sort()).toEqual(['/integer.json', '/pair.json']);
      const remoteDocuments = { [`${base}/pair.json`]: documents['/pair.json'], [`${base}/integer.json`]: documents['/integer.json'] };
      expect(result.stdout).toBe(schemaToGbnf(schema, { remoteDocuments }));
    });

    it('names a failed fetch in the refusal', async () => {
      const result = await runAsync(JSON.stringify({ $ref: `${base}/missing.json` }));
      expect(result.status).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`^unsupported schema: '\\$ref' at '': .*fetching a referenced document failed: '${base}/missing.json': HTTP 404$`, 'm'));
    });

    it('refuses a document over 1 MiB', async () => {
      const result = await runAsync(JSON.stringify({ $ref: `${base}/huge.json` }));
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/huge\.json': larger than 1048576 bytes$/m);
    });

    it('fetches nothing with --no-fetch-refs', async () => {
      requested.length = 0;
      const result = await runAsync(JSON.stringify({ $ref: `${base}/integer.json` }), ['--no-fetch-refs']);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^unsupported schema: '\$ref' at ''/);
      expect(requested).toEqual([]);
    });
  });

  it('exits 1 when stdin is not JSON', () => {
    const result = run('{nope');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/not JSON/);
  });
});
