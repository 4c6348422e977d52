import OpenAI from 'openai';
import { childPids, CliProcess, eventually, isAlive, startServe, stopCli, postJson } from './support/cli-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { testAssets } from './support/test-assets';

/** Euclidean norm. */
const norm = (vector: number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

/** Little-endian float32 base64 (OpenAI's `encoding_format: "base64"`) decoded. */
const decodeBase64 = (text: string): number[] => {
  const bytes = Buffer.from(text, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
};

/**
 * Same vector up to float noise: llama.cpp's results differ in the last bits with how inputs are
 * batched together.
 */
const expectClose = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  expect(Math.max(...actual.map((value, index) => Math.abs(value - expected[index])))).toBeLessThan(1e-5);
};

/**
 * `POST /v1/embeddings` served by a second llama-server (`--embedding-model`, here the tiny GGUF
 * with `--pooling mean`, as a dedicated embedding model would be), driven by the official openai
 * SDK, every body checked against OpenAI's schemas.
 */
describe('POST /v1/embeddings (second llama-server with --embedding, openai SDK)', () => {
  let cli: CliProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe([
      '-m',
      model,
      '--llama-server',
      llamaServer,
      '-c',
      '1024',
      '-np',
      '1',
      '--embedding-model',
      model,
      '--pooling',
      'mean',
      '--alias',
      'tiny-chat',
    ]);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(() => stopCli(cli));

  const post = (path: string, body: unknown) => postJson(cli.baseUrl, path, body);

  const expectError = async (body: unknown, status: number, code: string, param: string | null) => {
    const response = await post('/v1/embeddings', body);
    expectOpenAISchema('ErrorResponse', response.body);
    expect({ status: response.status, code: response.body.error.code, param: response.body.error.param }).toEqual({
      status,
      code,
      param,
    });
    return response.body.error.message as string;
  };

  const tokensOf = async (content: string): Promise<number[]> =>
    (await post('/tokenize', { content, add_special: true })).body.tokens;

  it("embeds a string through the SDK's default (base64, decoded by the SDK)", async () => {
    const response = await client.embeddings.create({ model: 'm', input: 'Hello world' });
    expectOpenAISchema('CreateEmbeddingResponse', response);
    expect(response.object).toBe('list');
    expect(response.model).toBe('tiny-qwen2.5');
    const [data] = response.data;
    expect(data).toMatchObject({ object: 'embedding', index: 0 });
    expect(data.embedding.length).toBeGreaterThan(8);
    // llama-server normalises pooled embeddings (Euclidean)
    expect(norm(data.embedding)).toBeCloseTo(1, 4);
    expect(response.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('sends float and base64 as the same float32 values', async () => {
    const float = await post('/v1/embeddings', { input: 'Hello world', encoding_format: 'float' });
    const base64 = await post('/v1/embeddings', { input: 'Hello world', encoding_format: 'base64' });
    expectOpenAISchema('CreateEmbeddingResponse', float.body);
    const floats = float.body.data[0].embedding as number[];
    expect(typeof base64.body.data[0].embedding).toBe('string');
    const decoded = decodeBase64(base64.body.data[0].embedding);
    expect(decoded).toEqual(floats.map(Math.fround));
    // OpenAI's spec types `embedding` as numbers only; its base64 answers carry a string there
    expectOpenAISchema('CreateEmbeddingResponse', {
      ...base64.body,
      data: [{ ...base64.body.data[0], embedding: decoded }],
    });
    const viaSdk = await client.embeddings.create({ model: 'm', input: 'Hello world', encoding_format: 'float' });
    expect(viaSdk.data[0].embedding).toEqual(floats);
  });

  it('embeds arrays of strings and of token ids, in input order, with usage counted', async () => {
    const inputs = ['The cat sat.', 'A completely different sentence here', 'The cat sat.'];
    const response = await client.embeddings.create({ model: 'm', input: inputs, encoding_format: 'float' });
    expectOpenAISchema('CreateEmbeddingResponse', response);
    expect(response.data.map((data) => data.index)).toEqual([0, 1, 2]);
    expect(response.data[2].embedding).toEqual(response.data[0].embedding);
    expect(response.data[1].embedding).not.toEqual(response.data[0].embedding);
    const tokens = await Promise.all(inputs.map(tokensOf));
    const count = tokens.reduce((sum, ids) => sum + ids.length, 0);
    expect(response.usage).toEqual({ prompt_tokens: count, total_tokens: count });

    const fromIds = await client.embeddings.create({ model: 'm', input: tokens[1], encoding_format: 'float' });
    expectClose(fromIds.data[0].embedding, response.data[1].embedding);
    const fromIdArrays = await client.embeddings.create({ model: 'm', input: tokens, encoding_format: 'float' });
    fromIdArrays.data.forEach((data, index) => expectClose(data.embedding, response.data[index].embedding));
  });

  it('lists the embedding model beside the chat model, named from its GGUF', async () => {
    const models = await client.models.list();
    expectOpenAISchema('ListModelsResponse', { object: 'list', data: models.data });
    expect(models.data.map((model) => model.id)).toEqual(['tiny-chat', 'tiny-qwen2.5']);
  });

  it('refuses dimensions and malformed input with 400, naming the field', async () => {
    expect(await expectError({ input: 'a', dimensions: 8 }, 400, 'unsupported_parameter', 'dimensions')).toMatch(
      /fixed size/,
    );
    await expectError({}, 400, 'missing_required_parameter', 'input');
    await expectError({ input: '' }, 400, 'invalid_value', 'input');
    await expectError({ input: [] }, 400, 'invalid_value', 'input');
    await expectError({ input: 'a', encoding_format: 'int8' }, 400, 'invalid_value', 'encoding_format');
    await expectError({ input: [999999999] }, 400, 'upstream_rejected', null);
  });

  it('answers an input longer than the embedding batch with 400 context_length_exceeded', async () => {
    await expectError({ input: 'hello '.repeat(700) }, 400, 'context_length_exceeded', null);
    const after = await client.embeddings.create({ model: 'm', input: 'still serving' });
    expect(after.data).toHaveLength(1);
  });

  it('keeps chat on the chat llama-server and stops both llama-servers on SIGTERM', async () => {
    const chat = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
    });
    expectOpenAISchema('CreateChatCompletionResponse', chat);
    const children = childPids(cli.process.pid!);
    expect(children).toHaveLength(2);
    cli.process.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    await eventually(() => children.every((pid) => !isAlive(pid)), 'a llama-server outlived the service');
  });
});
