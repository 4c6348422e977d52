import OpenAI from 'openai';
import { CliProcess, eventually, isAlive, isHealthy, sleep, startServe, stopCli } from './support/cli-process';
import { llamaSlots, spawnedLlamaServer, SpawnedLlamaServer } from './support/llama-server-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { streamChat } from './support/sse-reader';
import { testAssets } from './support/test-assets';

/**
 * Faults with a real llama-server, injected on demand: SIGKILL (crash), SIGSTOP (hang), a client
 * that goes away mid-request, and SIGTERM of the service. One service for the file, `-np 2`,
 * `--timeout 4`; the shutdown test runs last.
 */
describe('faults (real llama-server)', () => {
  const TIMEOUT_S = 4;
  let cli: CliProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe([
      '-m', model, '--llama-server', llamaServer, '-c', '4096', '-np', '2',
      '--timeout', String(TIMEOUT_S), '--shutdown-grace', '60',
    ]);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    const upstream = cli && tryUpstream(cli);
    if (upstream) process.kill(upstream.pid, 'SIGCONT');
    await stopCli(cli);
  });

  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Tell me a long story.' }];
  /** A generation that runs far longer than any test waits (EOS ignored). */
  const endless = { messages, max_tokens: 1500, ignore_eos: true };
  const short = { messages, max_tokens: 4 };

  const post = (body: object, signal?: AbortSignal) =>
    fetch(`${cli.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });

  const busySlots = async (upstream: SpawnedLlamaServer) =>
    (await llamaSlots(upstream)).filter((slot) => slot.is_processing).length;

  /** Waits until llama-server works on `count` requests. */
  const waitBusy = (upstream: SpawnedLlamaServer, count: number) =>
    eventually(async () => (await busySlots(upstream)) === count, `llama-server never had ${count} busy slots`);

  const expectServing = async () => {
    const answer = await client.chat.completions.create({ model: 'x', ...short });
    expectOpenAISchema('CreateChatCompletionResponse', answer);
  };

  describe('a client that goes away', () => {
    it('mid-stream: the upstream request is aborted and the slot freed within a second', async () => {
      const upstream = spawnedLlamaServer(cli);
      const abort = new AbortController();
      const stream = await streamChat(cli.baseUrl, endless, abort.signal);
      expect(JSON.parse((await stream.next())!).object).toBe('chat.completion.chunk');
      expect(await busySlots(upstream)).toBe(1);
      abort.abort();
      const gone = Date.now();
      await eventually(async () => (await busySlots(upstream)) === 0, 'the slot stayed busy', 1000);
      expect(Date.now() - gone).toBeLessThan(1000);
      await expectServing();
    });

    it('before a non-streamed answer: aborted, and llama-server frees the slot at its next poll', async () => {
      const upstream = spawnedLlamaServer(cli);
      const abort = new AbortController();
      const pending = post(endless, abort.signal).catch((error: Error) => error);
      await waitBusy(upstream, 1);
      abort.abort();
      expect(await pending).toMatchObject({ name: 'AbortError' });
      // llama-server checks a non-streamed request's connection only after 1 s without any result
      // for any task (server_response_reader::next, HTTP_POLLING_SECONDS), and each GET /slots
      // is such a result: look once, after that second has passed
      await sleep(2500);
      expect(await busySlots(upstream)).toBe(0);
      await expectServing();
    });

    it('while queued: leaves the queue, every slot free afterwards', async () => {
      const upstream = spawnedLlamaServer(cli);
      const holders = [new AbortController(), new AbortController()];
      const held = await Promise.all(holders.map((abort) => streamChat(cli.baseUrl, endless, abort.signal)));
      await Promise.all(held.map((stream) => stream.next()));
      const queued = new AbortController();
      const waiting = post(short, queued.signal).catch((error: Error) => error);
      await sleep(300);
      queued.abort();
      expect(await waiting).toMatchObject({ name: 'AbortError' });
      holders.forEach((abort) => abort.abort());
      await eventually(async () => (await busySlots(upstream)) === 0, 'slots stayed busy', 1000);
      await Promise.all([expectServing(), expectServing()]);
    });
  });

  describe('llama-server hangs (SIGSTOP)', () => {
    afterEach(() => process.kill(spawnedLlamaServer(cli).pid, 'SIGCONT'));

    it(`answers 504 after --timeout (${TIMEOUT_S} s) of silence, streamed or not`, async () => {
      const upstream = spawnedLlamaServer(cli);
      process.kill(upstream.pid, 'SIGSTOP');
      const started = Date.now();
      const [plain, streamed] = await Promise.all([post(short), post({ ...short, stream: true })]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
      for (const response of [plain, streamed]) {
        expect(response.status).toBe(504);
        const body = (await response.json()) as { error: { code: string } };
        expectOpenAISchema('ErrorResponse', body);
        expect(body.error.code).toBe('upstream_timeout');
      }
    }, 30_000);

    it('mid-stream: an error event, then the stream closes; later requests succeed', async () => {
      const upstream = spawnedLlamaServer(cli);
      const stream = await streamChat(cli.baseUrl, endless);
      await stream.next();
      process.kill(upstream.pid, 'SIGSTOP');
      const events = await stream.rest();
      const last = JSON.parse(events[events.length - 1]);
      expectOpenAISchema('ErrorResponse', last);
      expect(last.error.code).toBe('upstream_timeout');
      expect(events).not.toContain('[DONE]');
      process.kill(upstream.pid, 'SIGCONT');
      await eventually(async () => (await busySlots(upstream)) === 0, 'the slot stayed busy', 5000);
      await expectServing();
    }, 30_000);
  });

  describe('llama-server crashes (SIGKILL) mid-request', () => {
    it('a stream gets an error event in OpenAI shape, then closes', async () => {
      const upstream = spawnedLlamaServer(cli);
      const stream = await streamChat(cli.baseUrl, endless);
      await stream.next();
      process.kill(upstream.pid, 'SIGKILL');
      const events = await stream.rest();
      const last = JSON.parse(events[events.length - 1]);
      expectOpenAISchema('ErrorResponse', last);
      expect(last.error).toMatchObject({ code: 'upstream_unavailable', type: 'service_unavailable_error' });
      expect(events).not.toContain('[DONE]');
      await eventually(() => isHealthy(cli.baseUrl), 'llama-server was not restarted', 30_000);
      await expectServing();
    }, 60_000);

    it('a non-streamed request gets 503; llama-server is restarted and later requests succeed', async () => {
      const upstream = spawnedLlamaServer(cli);
      const pending = post(endless);
      await waitBusy(upstream, 1);
      process.kill(upstream.pid, 'SIGKILL');
      const response = await pending;
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: { code: string } };
      expectOpenAISchema('ErrorResponse', body);
      expect(body.error.code).toBe('upstream_unavailable');
      await eventually(() => isHealthy(cli.baseUrl), 'llama-server was not restarted', 30_000);
      expect(spawnedLlamaServer(cli).pid).not.toBe(upstream.pid);
      await expectServing();
      expect(cli.output()).toMatch(/restarting in \d+ ms/);
    }, 60_000);
  });

  it('SIGTERM: stops accepting, finishes the in-flight stream, stops llama-server, exits 0', async () => {
    const upstream = spawnedLlamaServer(cli);
    const stream = await streamChat(cli.baseUrl, { messages, max_tokens: 60, ignore_eos: true });
    await stream.next();
    cli.process.kill('SIGTERM');
    await eventually(async () => !(await isHealthy(cli.baseUrl)), 'still accepting connections');
    await expect(fetch(`${cli.baseUrl}/health`)).rejects.toThrow();
    const events = await stream.rest();
    expect(events[events.length - 1]).toBe('[DONE]');
    const finish = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(finish.some((chunk) => chunk.choices[0]?.finish_reason === 'length')).toBe(true);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    await eventually(() => !isAlive(upstream.pid), `llama-server ${upstream.pid} survived`);
  }, 90_000);
});

function tryUpstream(cli: CliProcess): SpawnedLlamaServer | undefined {
  try {
    return spawnedLlamaServer(cli);
  } catch {
    return undefined;
  }
}

describe('faults: SIGTERM with a request longer than --shutdown-grace', () => {
  it('closes it with an error event when the grace period ends, then exits 0 leaving no llama-server', async () => {
    const { model, llamaServer } = testAssets();
    const cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '2048', '-np', '1', '--shutdown-grace', '1']);
    try {
      const upstream = spawnedLlamaServer(cli);
      const messages = [{ role: 'user', content: 'Tell me a long story.' }];
      const stream = await streamChat(cli.baseUrl, { messages, max_tokens: 1500, ignore_eos: true });
      await stream.next();
      const terminated = Date.now();
      cli.process.kill('SIGTERM');
      const events = await stream.rest();
      const last = JSON.parse(events[events.length - 1]);
      expectOpenAISchema('ErrorResponse', last);
      expect(events).not.toContain('[DONE]');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - terminated).toBeLessThan(15_000);
      await eventually(() => !isAlive(upstream.pid), `llama-server ${upstream.pid} survived`);
    } finally {
      if (cli.process.exitCode === null && cli.process.signalCode === null) cli.process.kill('SIGKILL');
    }
  }, 90_000);
});
