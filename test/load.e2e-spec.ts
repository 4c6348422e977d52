import Ajv2020 from 'ajv/dist/2020';
import OpenAI from 'openai';
import { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { CliProcess, startServe, stopCli } from './support/cli-process';
import { llamaSlots, spawnedLlamaServer } from './support/llama-server-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { streamChat } from './support/sse-reader';
import { testAssets } from './support/test-assets';

/** Bounded schemas: random weights never close a string on their own, so strings end at maxLength. */
const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', maxLength: 8 }, unit: { enum: ['celsius', 'fahrenheit'] } },
        required: ['city', 'unit'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      parameters: {
        type: 'object',
        properties: { zone: { enum: ['UTC', 'CET', 'PST'] } },
        required: ['zone'],
        additionalProperties: false,
      },
    },
  },
];
const ajv = new Ajv2020();
const validators = new Map(TOOLS.map((tool) => [tool.function.name, ajv.compile(tool.function.parameters!)]));

describe('load: 100 concurrent requests on -np 4 (real llama-server, openai SDK)', () => {
  let cli: CliProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    // llama-server's --cache-ram 0: no host-memory prompt cache, so a prompt is cached only in the
    // slot that last ran it (what the slot routing test observes)
    cli = await startServe([
      '-m', model, '--llama-server', llamaServer, '-c', '4096', '-np', '4', '--queue-size', '100', '--', '--cache-ram', '0',
    ]);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 600_000 });
  }, 120_000);

  afterAll(() => stopCli(cli));

  const messages = (index: number): OpenAI.ChatCompletionMessageParam[] => [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: `Question ${index}: what is the weather or the time?` },
  ];

  const plain = async (index: number) => {
    const answer = await client.chat.completions.create({ model: 'm', messages: messages(index), max_tokens: 12, seed: index });
    expectOpenAISchema('CreateChatCompletionResponse', answer);
    expect(['stop', 'length']).toContain(answer.choices[0].finish_reason);
    return 'plain';
  };

  const streamed = async (index: number) => {
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: messages(index),
      max_tokens: 12,
      seed: index,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    chunks.forEach((chunk) => expectOpenAISchema('CreateChatCompletionStreamResponse', chunk));
    expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason)).toHaveLength(1);
    expect(chunks[chunks.length - 1].usage!.completion_tokens).toBeGreaterThan(0);
    return 'stream';
  };

  const tools = async (index: number) => {
    const answer = await client.chat.completions.create({
      model: 'm',
      messages: messages(index),
      tools: TOOLS,
      tool_choice: 'required',
      parallel_tool_calls: false,
      max_tokens: 160,
      seed: index,
    });
    expectOpenAISchema('CreateChatCompletionResponse', answer);
    const [choice] = answer.choices;
    expect(choice.finish_reason).toBe('tool_calls');
    const [call] = choice.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    const validate = validators.get(call.function.name)!;
    expect(validate(JSON.parse(call.function.arguments))).toBe(true);
    return 'tools';
  };

  it('completes every one with a valid response, using all 4 slots at once', async () => {
    const upstream = spawnedLlamaServer(cli);
    let maxBusy = 0;
    let running = true;
    const watching = (async () => {
      while (running) {
        const busy = (await llamaSlots(upstream)).filter((slot) => slot.is_processing).length;
        maxBusy = Math.max(maxBusy, busy);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const kinds = [plain, streamed, tools];
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, (_, index) => kinds[index % kinds.length](index)),
    );
    running = false;
    await watching;
    const failures = settled.filter((outcome) => outcome.status === 'rejected');
    expect(failures.map((failure) => String((failure as PromiseRejectedResult).reason))).toEqual([]);
    const done = settled.map((outcome) => (outcome as PromiseFulfilledResult<string>).value);
    expect(done.filter((kind) => kind === 'tools')).toHaveLength(33);
    expect(maxBusy).toBe(4);
  }, 600_000);

  it("sends an agent loop's next turn to the slot caching its history, between other conversations", async () => {
    const conversation = (topic: string): OpenAI.ChatCompletionMessageParam[] => [
      { role: 'system', content: `You answer questions about ${topic}. ${`Facts about ${topic}. `.repeat(40)}` },
      { role: 'user', content: `Tell me about ${topic}.` },
    ];
    const ask = (messages: OpenAI.ChatCompletionMessageParam[]) =>
      client.chat.completions.create({ model: 'm', messages, max_tokens: 2, temperature: 0 });
    // four conversations fill the four slots; the third one's follow-up is not the least recently
    // used slot's, so only prefix routing finds its cache
    const answers = [];
    for (const topic of ['volcanoes', 'glaciers', 'deserts', 'oceans']) answers.push(await ask(conversation(topic)));
    const first = answers[2];
    const next = await ask([
      ...conversation('deserts'),
      { role: 'assistant', content: first.choices[0].message.content ?? '' },
      { role: 'user', content: 'And the biggest one?' },
    ]);
    expect(first.usage!.prompt_tokens).toBeGreaterThan(200);
    expect(next.usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThanOrEqual(first.usage!.prompt_tokens - 1);
  }, 120_000);
});

describe('load: a full queue answers 429 with Retry-After', () => {
  let cli: CliProcess;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '2048', '-np', '1', '--queue-size', '2']);
  }, 120_000);

  afterAll(() => stopCli(cli));

  it('refuses the request beyond slots + queue, in OpenAI shape, and serves the rest', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Tell me a long story.' }];
    const holder = new AbortController();
    const holding = await streamChat(cli.baseUrl, { messages, max_tokens: 1500, ignore_eos: true }, holder.signal);
    await holding.next();
    const client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const queued = [1, 2].map(() => client.chat.completions.create({ model: 'm', messages, max_tokens: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await client.chat.completions
      .create({ model: 'm', messages, max_tokens: 2, stream: true })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(Number(error.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expectOpenAISchema('ErrorResponse', { error: error.error });
    expect(error.code).toBe('rate_limit_exceeded');
    const raw = await fetch(`${cli.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages, max_tokens: 2 }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toMatch(/^\d+$/);
    holder.abort();
    for (const answer of await Promise.all(queued)) expectOpenAISchema('CreateChatCompletionResponse', answer);
  }, 60_000);
});
