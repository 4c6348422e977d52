import OpenAI from 'openai';
import { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { childPids, CliProcess, eventually, isAlive, isHealthy, spawnCli, startServe, stopCli } from './support/cli-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { testAssets } from './support/test-assets';

/**
 * The CLI serving the tiny GGUF through a real llama-server, driven by the official openai SDK.
 * One service for the file; the destructive tests (crash, shutdown) run last.
 */
describe('llama-tools-server serve (real llama-server, openai SDK)', () => {
  let cli: CliProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '2048', '-np', '1']);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(() => stopCli(cli));

  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Name a colour.' },
  ];

  it('lists the served model', async () => {
    const response = await fetch(`${cli.baseUrl}/v1/models`);
    const body = (await response.json()) as Record<string, any>;
    expectOpenAISchema('ListModelsResponse', body);
    expect(body.data.map((model: { id: string }) => model.id)).toEqual(['tiny-qwen2.5']);
    const viaSdk = await client.models.list();
    expect(viaSdk.data[0].id).toBe('tiny-qwen2.5');
  });

  it('answers a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'tiny-qwen2.5',
      messages,
      max_tokens: 12,
      temperature: 0,
    });
    expectOpenAISchema('CreateChatCompletionResponse', completion);
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('tiny-qwen2.5');
    const [choice] = completion.choices;
    expect(typeof choice.message.content).toBe('string');
    expect(choice.message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(choice.finish_reason);
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(10);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(12);
    expect(completion.usage!.total_tokens).toBe(
      completion.usage!.prompt_tokens + completion.usage!.completion_tokens,
    );
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'tiny-qwen2.5',
      messages,
      max_completion_tokens: 3,
      logit_bias: { '151645': -100, '151643': -100 },
    });
    expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.usage!.completion_tokens).toBe(3);
  });

  it('streams chunks that add up to the answer, with usage last', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny-qwen2.5',
      messages,
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) expectOpenAISchema('CreateChatCompletionStreamResponse', chunk);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const usageChunk = chunks[chunks.length - 1];
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage!.completion_tokens).toBeGreaterThan(0);
    const finishing = chunks.filter((chunk) => chunk.choices[0]?.finish_reason);
    expect(finishing).toHaveLength(1);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('ends the SSE stream with data: [DONE]', async () => {
    const response = await fetch(`${cli.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages, max_tokens: 4, stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    const events = text.split('\n\n').filter((event) => event.startsWith('data: '));
    expect(events[events.length - 1]).toBe('data: [DONE]');
    expect(text).not.toMatch(/"usage"/);
  });

  describe('errors in OpenAI shape, and the service keeps serving', () => {
    const post = async (body: string, path = '/v1/chat/completions') => {
      const response = await fetch(`${cli.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const json = (await response.json()) as { error: Record<string, any> };
      expectOpenAISchema('ErrorResponse', json);
      return { status: response.status, error: json.error };
    };

    it('rejects malformed JSON with 400', async () => {
      const { status, error } = await post('{"messages": [');
      expect(status).toBe(400);
      expect(error.type).toBe('invalid_request_error');
      expect(error.code).toBe('invalid_json');
    });

    it('names a missing messages field', async () => {
      const { status, error } = await post('{"model":"tiny-qwen2"}');
      expect(status).toBe(400);
      expect(error.param).toBe('messages');
      expect(error.code).toBe('missing_required_parameter');
    });

    it('names a field of the wrong type', async () => {
      const { status, error } = await post(
        JSON.stringify({ messages: [{ role: 'user', content: 42 }] }),
      );
      expect(status).toBe(400);
      expect(error.param).toBe('messages[0].content');
      const temperature = await post(JSON.stringify({ messages, temperature: 'hot' }));
      expect(temperature.error.param).toBe('temperature');
      const role = await post(JSON.stringify({ messages: [{ role: 'wizard', content: 'x' }] }));
      expect(role.error.param).toBe('messages[0].role');
    });

    it('refuses n > 1 instead of ignoring it', async () => {
      const { status, error } = await post(JSON.stringify({ messages, n: 2 }));
      expect(status).toBe(400);
      expect(error.param).toBe('n');
    });

    it('answers an unknown route with 404', async () => {
      const { status, error } = await post('{}', '/v1/nothing-here');
      expect(status).toBe(404);
      expect(error.message).toMatch(/nothing-here/);
    });

    it('answers a prompt longer than the context with context_length_exceeded', async () => {
      const long = 'lorem ipsum '.repeat(3000);
      const { status, error } = await post(
        JSON.stringify({ messages: [{ role: 'user', content: long }], max_tokens: 1 }),
      );
      expect(status).toBe(400);
      expect(error.code).toBe('context_length_exceeded');
      expect(error.message).toMatch(/context size \(2048 tokens\)/);
    });

    it('surfaces the SDK error types', async () => {
      await expect(
        client.chat.completions.create({ model: 'tiny-qwen2.5', messages: [] }),
      ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
      expect(await isHealthy(cli.baseUrl)).toBe(true);
    });
  });

  it('has logged no internal error while serving all of the above', () => {
    expect(cli.output()).not.toMatch(/ERROR/);
  });

  it('reports a crashed llama-server on /health, answers 503, and restarts it', async () => {
    const [llamaServer] = childPids(cli.process.pid!);
    expect(llamaServer).toBeDefined();
    process.kill(llamaServer, 'SIGKILL');
    await eventually(async () => !(await isHealthy(cli.baseUrl)), 'health still ok after the crash');
    const health = await fetch(`${cli.baseUrl}/health`);
    expect(health.status).toBe(503);
    const during = await fetch(`${cli.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages, max_tokens: 2 }),
    });
    const body = await during.json();
    expect(during.status).toBe(503);
    expectOpenAISchema('ErrorResponse', body);
    await eventually(() => isHealthy(cli.baseUrl), 'llama-server was not restarted', 30_000);
    const after = await client.chat.completions.create({ model: 'x', messages, max_tokens: 2 });
    expect(after.choices[0].message.content).toEqual(expect.any(String));
    expect(childPids(cli.process.pid!)).not.toContain(llamaServer);
  }, 60_000);

  it('stops llama-server when the service is terminated: no orphan', async () => {
    const [llamaServer] = childPids(cli.process.pid!);
    expect(isAlive(llamaServer)).toBe(true);
    cli.process.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    await eventually(() => !isAlive(llamaServer), `llama-server ${llamaServer} survived`);
  });
});

describe('llama-tools-server serve, process lifecycle', () => {
  it('takes llama-server down with it even when killed with SIGKILL', async () => {
    const { model, llamaServer } = testAssets();
    const cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '1024']);
    const [child] = childPids(cli.process.pid!);
    expect(isAlive(child)).toBe(true);
    cli.process.kill('SIGKILL');
    await cli.exited;
    await eventually(() => !isAlive(child), `llama-server ${child} survived a SIGKILLed parent`);
  }, 60_000);

  it('exits 1 with llama-server last output when it dies during start-up', async () => {
    const { llamaServer } = testAssets();
    const cli = await spawnCli(['serve', '-m', __filename, '--llama-server', llamaServer]);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.output()).toMatch(/llama-server exited during start-up/);
    expect(cli.output()).toMatch(/last llama-server output[\s\S]*gguf/i);
  }, 60_000);
});
