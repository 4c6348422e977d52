import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { childPids, CliProcess, eventually, startServe, stopCli } from './support/cli-process';
import { testAssets } from './support/test-assets';

type ErrorBody = { error: Record<string, unknown> };

/**
 * Running the service for real (issue #6): API keys, request limits, Prometheus metrics,
 * request ids and JSON logs. One service for the file (real CLI, real llama-server, openai SDK).
 */
describe('production: auth, limits, metrics, logs (real llama-server, openai SDK)', () => {
  const KEYS = ['sk-e2e-first', 'sk-e2e-second'];
  let cli: CliProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe([
      '-m', model, '--llama-server', llamaServer, '-c', '2048', '-np', '1',
      '--api-key', KEYS[0], '--api-key', KEYS[1], '--log-format', 'json',
      '--max-tokens-limit', '64', '--max-messages', '4', '--max-tools', '2',
      '--max-schema-size', '2048', '--max-body-size', '65536',
    ]);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: KEYS[0], maxRetries: 0 });
  }, 120_000);

  afterAll(() => stopCli(cli, 'SIGTERM'));

  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Name a colour.' }];
  const weatherTool: OpenAI.ChatCompletionTool = {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { enum: ['Paris', 'Rome'] } },
        required: ['city'],
        additionalProperties: false,
      },
    },
  };
  const authorized = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${KEYS[0]}`, ...extra });
  const postChat = (body: unknown, headers: Record<string, string> = authorized()) =>
    fetch(`${cli.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const logLines = () =>
    cli
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, any>);

  describe('auth', () => {
    it('keeps /health open', async () => {
      const response = await fetch(`${cli.baseUrl}/health`);
      expect(response.status).toBe(200);
    });

    it('answers 401 invalid_api_key in OpenAI shape without a key, on the API and /metrics', async () => {
      for (const path of ['/v1/models', '/metrics', '/v1/chat/completions']) {
        const response = await fetch(`${cli.baseUrl}${path}`, { method: path.includes('chat') ? 'POST' : 'GET' });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
        expect(await response.json()).toEqual({
          error: {
            message: expect.stringMatching(/API key/),
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        });
      }
    });

    it('raises the SDK AuthenticationError for a wrong key', async () => {
      const wrong = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
      const error = await wrong.chat.completions.create({ model: 'x', messages, max_tokens: 2 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
      expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    });

    it('answers with any configured key', async () => {
      expect((await client.models.list()).data[0].id).toBe('tiny-qwen2.5');
      const second = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: KEYS[1], maxRetries: 0 });
      const completion = await second.chat.completions.create({ model: 'x', messages, max_tokens: 4 });
      expect(completion.choices[0].message.role).toBe('assistant');
    });

    it("gives the spawned llama-server its own key, off its command line, on loopback", async () => {
      const ready = logLines().find((line) => /^ready at http:\/\//.test(line.msg ?? ''));
      const upstream = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(ready?.msg ?? '')?.[1];
      expect(upstream).toBeDefined();
      expect((await fetch(`${upstream}/props`)).status).toBe(401);
      for (const key of KEYS) {
        expect((await fetch(`${upstream}/props`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
      }
      const commandLines = childPids(cli.process.pid!).map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      expect(commandLines.some((line) => line.includes('llama-server'))).toBe(true);
      for (const line of commandLines) expect(line).not.toMatch(/api-key/);
    });
  });

  describe('limits', () => {
    it('refuses max_tokens and max_completion_tokens above --max-tokens-limit, naming them', async () => {
      for (const param of ['max_tokens', 'max_completion_tokens'] as const) {
        const error = await client.chat.completions.create({ model: 'x', messages, [param]: 65 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OpenAI.BadRequestError);
        expect(error).toMatchObject({ status: 400, param, code: 'integer_above_max_value' });
      }
    });

    it('refuses too many messages and tools, and a schema above --max-schema-size', async () => {
      const tooMany = await postChat({ messages: Array(5).fill(messages[0]) });
      expect(tooMany.status).toBe(400);
      expect(((await tooMany.json()) as ErrorBody).error).toMatchObject({ code: 'array_above_max_length', param: 'messages' });

      const tools = await postChat({ messages, tools: [weatherTool, weatherTool, weatherTool] });
      expect(tools.status).toBe(400);
      expect(((await tools.json()) as ErrorBody).error).toMatchObject({ code: 'array_above_max_length', param: 'tools' });

      const big = { type: 'object', description: 'x'.repeat(3000) };
      const schema = await postChat({
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'big', schema: big } },
      });
      expect(schema.status).toBe(400);
      expect(((await schema.json()) as ErrorBody).error).toMatchObject({
        code: 'schema_above_max_size',
        param: 'response_format.json_schema.schema',
      });
    });

    it('answers a body above --max-body-size with 413', async () => {
      const response = await postChat({ messages: [{ role: 'user', content: 'x'.repeat(70_000) }] });
      expect(response.status).toBe(413);
      expect(((await response.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', code: 'payload_too_large' });
    });
  });

  describe('request ids and logs', () => {
    it('echoes a given x-request-id and generates one otherwise, on success and on errors', async () => {
      const given = await fetch(`${cli.baseUrl}/v1/models`, { headers: authorized({ 'x-request-id': 'e2e-given-1' }) });
      expect(given.headers.get('x-request-id')).toBe('e2e-given-1');
      const generated = await fetch(`${cli.baseUrl}/v1/models`, { headers: authorized() });
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const refused = await fetch(`${cli.baseUrl}/v1/models`, { headers: { 'x-request-id': 'e2e-refused-1' } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-request-id')).toBe('e2e-refused-1');
    });

    it('writes JSON log lines that carry the request id', async () => {
      const response = await postChat({ messages, max_tokens: 3 }, authorized({ 'x-request-id': 'e2e-log-1' }));
      expect(response.status).toBe(200);
      await eventually(
        () => logLines().some((line) => line.reqId === 'e2e-log-1' && line.msg === 'request completed'),
        'no request-completed line with the request id',
      );
      const completed = logLines().find((line) => line.reqId === 'e2e-log-1')!;
      expect(completed).toMatchObject({
        level: 'info',
        req: { method: 'POST', url: '/v1/chat/completions' },
        res: { statusCode: 200 },
      });
      expect(typeof completed.time).toBe('string');
      expect(JSON.stringify(logLines())).not.toContain(KEYS[0]);
    });
  });

  describe('metrics', () => {
    it('serves the named Prometheus series after a streamed chat request, a tool call and a JSON answer', async () => {
      const stream = await client.chat.completions.create({ model: 'x', messages, max_tokens: 4, stream: true });
      for await (const chunk of stream) expect(chunk.object).toBe('chat.completion.chunk');
      const called = await client.chat.completions.create({
        model: 'x',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [weatherTool],
        tool_choice: 'required',
        parallel_tool_calls: false,
        max_tokens: 64,
      });
      expect(called.choices[0].finish_reason).toBe('tool_calls');
      const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false };
      for (let i = 0; i < 2; i++) {
        await client.chat.completions.create({
          model: 'x',
          messages,
          max_tokens: 20,
          response_format: { type: 'json_schema', json_schema: { name: 'n', schema } },
        });
      }

      const response = await fetch(`${cli.baseUrl}/metrics`, { headers: authorized() });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      const value = (series: string) => {
        const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
        return line === undefined ? undefined : Number(line.slice(series.length + 1));
      };
      expect(value('llama_tools_http_requests_total{method="POST",route="/v1/chat/completions",status="200"}')).toBeGreaterThanOrEqual(5);
      expect(value('llama_tools_http_requests_total{method="GET",route="/v1/models",status="401"}')).toBeGreaterThanOrEqual(1);
      expect(value('llama_tools_http_request_duration_seconds_count{method="POST",route="/v1/chat/completions"}')).toBeGreaterThanOrEqual(5);
      expect(value('llama_tools_time_to_first_token_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(value('llama_tools_generation_tokens_per_second_count')).toBeGreaterThanOrEqual(1);
      expect(value('llama_tools_prompt_tokens_total')).toBeGreaterThan(0);
      expect(value('llama_tools_completion_tokens_total')).toBeGreaterThan(0);
      expect(value('llama_tools_tool_calls_total{format="hermes",outcome="valid"}')).toBeGreaterThanOrEqual(1);
      expect(value('llama_tools_grammar_cache_lookups_total{result="miss"}')).toBeGreaterThanOrEqual(1);
      expect(value('llama_tools_grammar_cache_lookups_total{result="hit"}')).toBeGreaterThanOrEqual(1);
      expect(value('llama_tools_upstream_restarts_total')).toBe(0);
      expect(value('llama_tools_queue_depth')).toBe(0);
      expect(text).toMatch(/^llama_tools_process_resident_memory_bytes /m);
    });
  });

  it('has logged no error while serving all of the above', () => {
    expect(logLines().filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
  });
});
