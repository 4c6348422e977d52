import Ajv2020 from 'ajv/dist/2020';
import OpenAI from 'openai';
import { CliProcess, startServe } from './support/cli-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { testAssets } from './support/test-assets';

const SEEDS = Array.from({ length: 8 }, (_, index) => index + 1);

/** Bounded schemas: random weights never close a string on their own, so strings end at maxLength. */
const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string', maxLength: 12 }, days: { type: 'integer', minimum: 1, maximum: 7 } },
  required: ['city', 'days'],
  additionalProperties: false,
};
const TOOLS: OpenAI.Responses.FunctionTool[] = [
  { type: 'function', name: 'get_weather', description: 'Weather for a city', parameters: WEATHER_PARAMETERS, strict: true },
];
const PERSON = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 8 }, age: { type: 'integer', minimum: 0, maximum: 99 } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const ajv = new Ajv2020();
const validWeather = ajv.compile(WEATHER_PARAMETERS);
const validPerson = ajv.compile(PERSON);

type StreamEvent = OpenAI.Responses.ResponseStreamEvent;

describe('POST /v1/responses on the tiny Qwen2.5-template model', () => {
  let cli: CliProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '4096']);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    cli?.process.kill('SIGTERM');
    await cli?.exited;
  });

  /** The answer to `request`, through `responses.stream()` or `responses.create()`. */
  const answer = (request: Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, 'stream'>, stream: boolean) =>
    stream ? client.responses.stream(request).finalResponse() : client.responses.create(request);

  const calls = (response: OpenAI.Responses.Response) =>
    response.output.filter((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call');

  it('answers text as an OpenAI Response, cut at max_output_tokens as incomplete', async () => {
    const response = await client.responses.create({
      model: 'm',
      instructions: 'Be brief.',
      input: 'Hello!',
      max_output_tokens: 6,
      metadata: { run: 'e2e' },
    });
    expectOpenAISchema('Response', response);
    expect(response).toMatchObject({
      object: 'response',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      instructions: 'Be brief.',
      metadata: { run: 'e2e' },
      usage: { output_tokens: 6 },
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output).toHaveLength(1);
    expect(response.output_text.length).toBeGreaterThan(0);
  });

  it('streams events OpenAI defines, numbered, named, and adding up to the final response', async () => {
    const raw = await fetch(`${cli.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'Hello!', max_output_tokens: 12, stream: true }),
    });
    const blocks = (await raw.text()).split('\n\n').filter(Boolean);
    const events = blocks.map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      const data = JSON.parse(dataLine.replace(/^data: /, '')) as StreamEvent;
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
    for (const event of events) expectOpenAISchema('ResponseStreamEvent', event);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0].type).toBe('response.created');
    const last = events.at(-1)!;
    expect(last.type).toBe('response.incomplete');
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    const final = (last as OpenAI.Responses.ResponseIncompleteEvent).response;
    const [message] = final.output as OpenAI.Responses.ResponseOutputMessage[];
    expect((message.content[0] as OpenAI.Responses.ResponseOutputText).text).toBe(deltas.map((event) => event.delta).join(''));

    const stream = client.responses.stream({ model: 'm', input: 'Hello!', max_output_tokens: 12 });
    const accumulated = await stream.finalResponse();
    expect(accumulated.status).toBe('incomplete');
    expect(accumulated.output_text.length).toBeGreaterThan(0);
  });

  it('calls tools with valid arguments for every seed, streamed or not, and takes their output back', async () => {
    for (const seed of SEEDS) {
      for (const stream of [false, true]) {
        const request = {
          model: 'm',
          input: 'Weather in Paris?',
          tools: TOOLS,
          tool_choice: 'required' as const,
          parallel_tool_calls: false,
          max_output_tokens: 100,
          seed,
        };
        const response = await answer(request, stream);
        expectOpenAISchema('Response', response);
        expect(response.status).toBe('completed');
        const [call, ...more] = calls(response);
        expect(more).toEqual([]);
        expect(call).toMatchObject({ name: 'get_weather', status: 'completed', call_id: expect.stringMatching(/^call_/) });
        expect(validWeather(JSON.parse(call.arguments))).toBe(true);
        if (seed > 1) continue;
        const next = await client.responses.create({
          model: 'm',
          input: [
            { role: 'user', content: 'Weather in Paris?' },
            ...response.output,
            { type: 'function_call_output', call_id: call.call_id, output: '{"celsius": 21}' },
          ] as OpenAI.Responses.ResponseInputItem[],
          tools: TOOLS,
          tool_choice: 'none',
          max_output_tokens: 4,
        });
        expect(next.output.map((item) => item.type)).toEqual(['message']);
      }
    }
  }, 120_000);

  it('gives JSON matching text.format for every seed, streamed or not', async () => {
    for (const seed of SEEDS) {
      for (const stream of [false, true]) {
        const request = {
          model: 'm',
          input: 'A person, please.',
          text: { format: { type: 'json_schema' as const, name: 'person', schema: PERSON, strict: true } },
          max_output_tokens: 80,
          seed,
        };
        const response = await answer(request, stream);
        expect(response.status).toBe('completed');
        expect(validPerson(JSON.parse(response.output_text))).toBe(true);
      }
    }
  }, 120_000);

  it('resolves an item_reference to a stored output item, and knows none of a store: false response', async () => {
    const first = await client.responses.create({ model: 'm', input: 'Hello!', max_output_tokens: 3 });
    const [message] = first.output;
    const followUp = (id: string) =>
      client.responses.create({
        model: 'm',
        input: [
          { role: 'user', content: 'Hello!' },
          { type: 'item_reference', id },
          { role: 'user', content: 'And then?' },
        ],
        max_output_tokens: 3,
      });
    const second = await followUp(message.id!);
    expect(second.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens);

    const unstored = await client.responses.create({ model: 'm', input: 'Hello!', max_output_tokens: 3, store: false });
    await expect(followUp(unstored.output[0].id!)).rejects.toMatchObject({
      status: 400,
      error: { code: 'invalid_value', param: 'input[1].id' },
    });
  }, 60_000);

  it('ignores fields it does not know, Chat Completions ones included', async () => {
    const response = await fetch(`${cli.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'x', max_output_tokens: 2, messages: 5, grammar: 7, response_format: 1 }),
    });
    expect(response.status).toBe(200);
    expectOpenAISchema('Response', await response.json());
  });

  it.each<[string, string, object]>([
    ['no input', 'input', { model: 'm' }],
    ['a stored conversation', 'previous_response_id', { model: 'm', input: 'x', previous_response_id: 'resp_1' }],
    ['a hosted tool', 'tools[0].type', { model: 'm', input: 'x', tools: [{ type: 'web_search' }] }],
    ['max_output_tokens 0', 'max_output_tokens', { model: 'm', input: 'x', max_output_tokens: 0 }],
    ['a stop that is no string', 'stop', { model: 'm', input: 'x', stop: 5 }],
    [
      'parameters that are no object schema',
      'tools[0].parameters',
      { model: 'm', input: 'x', tools: [{ type: 'function', name: 'f', parameters: { type: 'string' } }] },
    ],
  ])('refuses %s with 400 naming %s, and keeps serving', async (_, param, body) => {
    const response = await fetch(`${cli.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    const error = (await response.json()) as unknown;
    expectOpenAISchema('ErrorResponse', error);
    expect(error).toMatchObject({ error: { type: 'invalid_request_error', param } });
    const ok = await client.responses.create({ model: 'm', input: 'x', max_output_tokens: 1 });
    expect(ok.status).toBe('incomplete');
  });
});
