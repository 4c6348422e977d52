import Ajv2020 from 'ajv/dist/2020';
import OpenAI from 'openai';
import { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { CliProcess, startServe } from './support/cli-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { testAssets } from './support/test-assets';

/** `<tool_call>` in the demo model's (Qwen2.5) tokenizer: pushed with logit_bias to test `auto`. */
const TOOL_CALL_TOKEN = '151657';
const SEEDS = Array.from({ length: 30 }, (_, index) => index + 1);

/** Bounded schemas: random weights never close a string on their own, so strings end at maxLength. */
const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string', maxLength: 12 },
          unit: { enum: ['celsius', 'fahrenheit'] },
          days: { type: 'integer', minimum: 1, maximum: 7 },
        },
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
        properties: { zone: { enum: ['UTC', 'CET', 'PST'] }, precise: { type: 'boolean' } },
        required: ['zone'],
        additionalProperties: false,
      },
    },
  },
];

const ajv = new Ajv2020();
const validators = new Map(TOOLS.map((tool) => [tool.function.name, ajv.compile(tool.function.parameters!)]));

/** Every call names a real tool and its arguments string parses and validates against its schema. */
function expectValidCalls(calls: OpenAI.ChatCompletionMessageToolCall[] | undefined): void {
  for (const call of (calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[]) {
    expect(call.type).toBe('function');
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    const validate = validators.get(call.function.name);
    expect(validate).toBeDefined();
    expect(typeof call.function.arguments).toBe('string');
    const args: unknown = JSON.parse(call.function.arguments);
    expect([call.function.name, args, validate!(args)]).toEqual([call.function.name, args, true]);
  }
}

const functionCalls = (calls: OpenAI.ChatCompletionMessageToolCall[] | undefined) =>
  (calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];

describe('tool calls on the tiny Qwen2.5-template model (Hermes format)', () => {
  let cli: CliProcess;
  let client: OpenAI;
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '4096']);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    cli?.process.kill('SIGTERM');
    await cli?.exited;
  });

  const outcomes = async (request: Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model' | 'messages'>) => {
    const finishes: string[] = [];
    for (const seed of SEEDS) {
      const completion = await client.chat.completions.create({
        model: 'm',
        messages,
        tools: TOOLS,
        max_tokens: 160,
        seed,
        ...request,
      });
      expectOpenAISchema('CreateChatCompletionResponse', completion);
      const [choice] = completion.choices;
      expectValidCalls(choice.message.tool_calls);
      // with `length`, the calls finished before the cut are returned; the cut-off one never is
      if (choice.finish_reason === 'tool_calls') expect(choice.message.tool_calls!.length).toBeGreaterThan(0);
      else expect(choice.finish_reason).toBe('length');
      finishes.push(choice.finish_reason);
      if (request.tool_choice === 'required' || typeof request.tool_choice === 'object') {
        expect(choice.message.content).toBeNull();
      }
      if (typeof request.tool_choice === 'object' && choice.message.tool_calls) {
        expect(new Set(functionCalls(choice.message.tool_calls).map((call) => call.function.name))).toEqual(new Set(['get_time']));
      }
      if (request.parallel_tool_calls === false) expect((choice.message.tool_calls ?? []).length).toBeLessThanOrEqual(1);
    }
    return finishes;
  };

  it('required: a valid call for every seed', async () => {
    const finishes = await outcomes({ tool_choice: 'required', parallel_tool_calls: false });
    expect(finishes.filter((finish) => finish === 'tool_calls').length).toBe(SEEDS.length);
  }, 120_000);

  it('named function: only that function, valid, for every seed', async () => {
    const finishes = await outcomes({
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      parallel_tool_calls: false,
    });
    expect(finishes.filter((finish) => finish === 'tool_calls').length).toBe(SEEDS.length);
  }, 120_000);

  it('calls a function without parameters with {}, and one whose schema has no type with an object', async () => {
    const shapes: OpenAI.ChatCompletionFunctionTool[] = [
      { type: 'function', function: { name: 'now' } },
      { type: 'function', function: { name: 'ping', parameters: {} } },
      {
        type: 'function',
        function: {
          name: 'count',
          parameters: { properties: { n: { type: 'integer', minimum: 0, maximum: 9 } }, additionalProperties: false },
        },
      },
    ];
    for (const seed of SEEDS.slice(0, 5)) {
      for (const name of ['now', 'ping', 'count']) {
        const completion = await client.chat.completions.create({
          model: 'm',
          messages,
          tools: shapes,
          tool_choice: { type: 'function', function: { name } },
          parallel_tool_calls: false,
          max_tokens: 100,
          seed,
        });
        const [choice] = completion.choices;
        expect(choice.finish_reason).toBe('tool_calls');
        const args: unknown = JSON.parse(functionCalls(choice.message.tool_calls)[0].function.arguments);
        if (name === 'count') expect([{}, ...Array.from({ length: 10 }, (_, n) => ({ n }))]).toContainEqual(args);
        else expect(args).toEqual({});
      }
    }
  }, 120_000);

  it('parallel calls: 1…n valid calls; a call cut off by max_tokens is never returned', async () => {
    const finishes = await outcomes({ tool_choice: 'required', parallel_tool_calls: true });
    expect(finishes.every((finish) => finish === 'tool_calls' || finish === 'length')).toBe(true);
    expect(finishes).toContain('tool_calls');
  }, 120_000);

  it('auto: free text until <tool_call>, then valid calls (trigger pushed with logit_bias)', async () => {
    const finishes = await outcomes({
      tool_choice: 'auto',
      parallel_tool_calls: false,
      logit_bias: { [TOOL_CALL_TOKEN]: 100 },
    });
    expect(finishes.filter((finish) => finish === 'tool_calls').length).toBe(SEEDS.length);
  }, 120_000);

  it('auto beside response_format: every answer is valid calls or JSON matching the schema', async () => {
    const schema = {
      type: 'object',
      properties: { summary: { type: 'string', maxLength: 12 }, score: { type: 'integer', minimum: 0, maximum: 9 } },
      required: ['summary', 'score'],
      additionalProperties: false,
    };
    const validAnswer = new Ajv2020().compile(schema);
    const finishes = new Set<string>();
    for (const seed of SEEDS) {
      for (const stream of [false, true]) {
        const params = {
          model: 'm',
          messages,
          tools: TOOLS,
          tool_choice: 'auto' as const,
          response_format: { type: 'json_schema' as const, json_schema: { name: 'report', schema, strict: true } },
          max_tokens: 160,
          seed,
        };
        const completion = stream
          ? await client.chat.completions.stream(params).finalChatCompletion()
          : await client.chat.completions.create(params);
        const [choice] = completion.choices;
        finishes.add(choice.finish_reason);
        if (choice.finish_reason === 'tool_calls') expectValidCalls(choice.message.tool_calls);
        else if (choice.finish_reason === 'stop') expect(validAnswer(JSON.parse(choice.message.content ?? ''))).toBe(true);
        else expect(choice.finish_reason).toBe('length');
      }
    }
    expect(finishes.has('stop') || finishes.has('tool_calls')).toBe(true);
  }, 240_000);

  it('none: no call is possible', async () => {
    const completion = await client.chat.completions.create({
      model: 'm',
      messages,
      tools: TOOLS,
      tool_choice: 'none',
      max_tokens: 16,
      logit_bias: { [TOOL_CALL_TOKEN]: 100 },
    });
    expect(completion.choices[0].message.tool_calls).toBeUndefined();
    expect(completion.choices[0].finish_reason).not.toBe('tool_calls');
  });

  it('streams calls as OpenAI does; the SDK accumulates them to a valid message', async () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const stream = client.chat.completions.stream({
        model: 'm',
        messages,
        tools: TOOLS,
        tool_choice: 'required',
        max_tokens: 160,
        seed,
      });
      const chunks: ChatCompletionChunk[] = [];
      stream.on('chunk', (chunk) => chunks.push(chunk));
      const final = await stream.finalChatCompletion();
      for (const chunk of chunks) expectOpenAISchema('CreateChatCompletionStreamResponse', chunk);
      expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: null });
      expect(chunks.some((chunk) => chunk.choices[0]?.delta.content === '')).toBe(false);
      const callDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
      const firsts = callDeltas.filter((delta) => delta.id !== undefined);
      for (const first of firsts) {
        expect(first).toEqual({
          index: first.index,
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: expect.any(String), arguments: '' },
        });
      }
      expect(callDeltas.filter((delta) => delta.id === undefined).every((delta) => delta.function?.name === undefined)).toBe(true);
      expect(chunks.every((chunk) => !chunk.choices[0]?.delta.content?.includes('<tool_call>'))).toBe(true);
      const [choice] = final.choices;
      if (choice.finish_reason === 'tool_calls') expectValidCalls(choice.message.tool_calls);
      expect(['tool_calls', 'length']).toContain(choice.finish_reason);
    }
  }, 120_000);

  it('runs an agent round trip: calls → local functions → tool results → answer', async () => {
    const local: Record<string, (args: Record<string, unknown>) => unknown> = {
      get_weather: (args) => ({ city: args.city, temperature: 21, unit: args.unit }),
      get_time: (args) => ({ zone: args.zone, time: '12:00' }),
    };
    const first = await client.chat.completions.create({
      model: 'm',
      messages,
      tools: TOOLS,
      tool_choice: 'required',
      parallel_tool_calls: false,
      max_tokens: 160,
      seed: 7,
    });
    const calls = functionCalls(first.choices[0].message.tool_calls);
    expectValidCalls(calls);
    const results: OpenAI.ChatCompletionMessageParam[] = calls.map((call) => ({
      role: 'tool',
      tool_call_id: call.id,
      content: JSON.stringify(local[call.function.name](JSON.parse(call.function.arguments))),
    }));
    const second = await client.chat.completions.create({
      model: 'm',
      messages: [...messages, first.choices[0].message, ...results],
      tools: TOOLS,
      tool_choice: 'none',
      max_tokens: 8,
    });
    expectOpenAISchema('CreateChatCompletionResponse', second);
    expect(typeof second.choices[0].message.content).toBe('string');
  }, 60_000);

  it('refuses an unknown named function and a malformed tool_choice with 400', async () => {
    await expect(
      client.chat.completions.create({
        model: 'm',
        messages,
        tools: TOOLS,
        tool_choice: { type: 'function', function: { name: 'nope' } },
      }),
    ).rejects.toMatchObject({ status: 400, param: 'tool_choice.function.name' });
  });

  it('refuses a raw grammar beside callable tools with 400, never dropping either', async () => {
    await expect(
      client.chat.completions.create({
        model: 'm',
        messages,
        tools: TOOLS,
        tool_choice: 'required',
        grammar: 'root ::= "x"',
      } as OpenAI.ChatCompletionCreateParamsNonStreaming),
    ).rejects.toMatchObject({ status: 400, param: 'grammar' });
  });
});
