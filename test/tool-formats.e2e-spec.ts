import Ajv2020 from 'ajv/dist/2020';
import OpenAI from 'openai';
import { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { CliProcess, startServe } from './support/cli-process';
import { ensureFormatModel } from './support/format-models';
import { FORMAT_TOKENS } from './support/format-tokens';
import { expectOpenAISchema } from './support/openai-schemas';
import { testAssets } from './support/test-assets';

const SEEDS = Array.from({ length: 30 }, (_, index) => index + 1);
const PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string', maxLength: 10 }, days: { type: 'integer', minimum: 1, maximum: 7 } },
  required: ['city'],
  additionalProperties: false,
};
const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: PARAMETERS } },
  { type: 'function', function: { name: 'get_news', parameters: PARAMETERS } },
];
const validate = new Ajv2020().compile(PARAMETERS);

type Call = OpenAI.ChatCompletionMessageFunctionToolCall;

/** One format's fixture: a tiny model with the format's real template and a fitting real vocab. */
interface FormatCase {
  format: string;
  vocab: string;
  template: string;
  added?: { variant: string; tokens: Readonly<Record<number, string>> };
  /** `template` is the model's `tool_use` variant beside a ChatML default (as Hermes 3 ships). */
  toolUse?: boolean;
  /** Extra request fields every request sends (thinking off, or the think block's end pushed). */
  extra: Record<string, unknown>;
  /**
   * logit_bias pushing the format's trigger token for `auto`; empty where nothing needs pushing,
   * absent where the trigger is no single token.
   */
  autoBias?: Record<string, number>;
  /** The id shape the format's templates demand. */
  idPattern: RegExp;
}

const OPENAI_ID = /^call_[A-Za-z0-9]{24}$/;

/**
 * Every format (Hermes on Qwen 2.5 in depth: tools.e2e-spec.ts), each on a tiny model carrying its
 * real template, through the openai SDK. Random weights never close a think block: Qwen 3 is asked
 * not to think (as a client would), DeepSeek R1's `</think>` is pushed with logit_bias. The vocab
 * files are llama.cpp's; families missing from them get their special tokens over placeholder
 * slots (test/support/format-tokens.ts).
 */
describe.each<FormatCase>([
  {
    format: 'llama3',
    vocab: 'ggml-vocab-llama-bpe.gguf',
    template: 'meta-llama-Llama-3.1-8B-Instruct.jinja',
    added: { variant: 'llama31-tokens', tokens: FORMAT_TOKENS.llama31 },
    extra: {},
    autoBias: { 128010: 100 },
    idPattern: OPENAI_ID,
  },
  {
    format: 'hermes',
    vocab: 'ggml-vocab-llama-bpe.gguf',
    template: 'NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja',
    added: { variant: 'hermes3-tokens', tokens: FORMAT_TOKENS.hermes3 },
    toolUse: true,
    extra: {},
    autoBias: { 128002: 100 },
    idPattern: OPENAI_ID,
  },
  {
    format: 'functionary',
    vocab: 'ggml-vocab-llama-bpe.gguf',
    template: 'meetkai-functionary-medium-v3.2.jinja',
    extra: {},
    // the trigger is a tool name after the prompt's `>>>`: several tokens, not pushable
    idPattern: OPENAI_ID,
  },
  {
    format: 'qwen3',
    vocab: 'ggml-vocab-qwen2.gguf',
    template: 'Qwen-Qwen3-0.6B.jinja',
    added: { variant: 'qwen3-tokens', tokens: FORMAT_TOKENS.qwen3 },
    extra: { chat_template_kwargs: { enable_thinking: false } },
    autoBias: { 151657: 100 },
    idPattern: OPENAI_ID,
  },
  {
    format: 'deepseekR1',
    vocab: 'ggml-vocab-qwen2.gguf',
    template: 'deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja',
    added: { variant: 'deepseek-tokens', tokens: FORMAT_TOKENS.deepseekR1 },
    extra: { logit_bias: { 151649: 100 } },
    autoBias: { 151649: 100, 151650: 100 },
    idPattern: OPENAI_ID,
  },
  {
    format: 'mistralNemo',
    vocab: 'ggml-vocab-qwen2.gguf',
    template: 'mistralai-Mistral-Nemo-Instruct-2407.jinja',
    added: { variant: 'mistral-tokens', tokens: FORMAT_TOKENS.mistralNemo },
    extra: {},
    autoBias: { 151648: 100 },
    idPattern: /^[A-Za-z0-9]{9}$/,
  },
  {
    // Gemma 2 has no tool support, no system role and demands alternation: all folded
    format: 'generic',
    vocab: 'ggml-vocab-qwen2.gguf',
    template: 'google-gemma-2-2b-it.jinja',
    extra: {},
    // its grammar allows a text response or calls from the first token: nothing to push
    autoBias: {},
    idPattern: OPENAI_ID,
  },
])('$format format ($template)', ({ format, vocab, template, added, toolUse, extra, autoBias, idPattern }) => {
  let cli: CliProcess;
  let client: OpenAI;
  const create = (params: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>) =>
    client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'News for Paris?' }],
      tools: TOOLS,
      max_tokens: 120,
      ...extra,
      ...params,
      ...(params.logit_bias ? { logit_bias: { ...(extra.logit_bias as object), ...params.logit_bias } } : {}),
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  const expectValidCalls = (calls: OpenAI.ChatCompletionMessageToolCall[] | undefined) => {
    expect(calls?.length).toBeGreaterThan(0);
    for (const call of calls as Call[]) {
      expect(call.id).toMatch(idPattern);
      expect(['get_weather', 'get_news']).toContain(call.function.name);
      expect(validate(JSON.parse(call.function.arguments))).toBe(true);
    }
  };

  beforeAll(async () => {
    const model = await ensureFormatModel(vocab, template, added, toolUse);
    cli = await startServe(['-m', model, '--llama-server', testAssets().llamaServer, '-c', '2048']);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    cli?.process.kill('SIGTERM');
    await cli?.exited;
  });

  it('is the detected format', () => {
    expect(cli.output()).toContain(`tool format ${format}`);
  });

  it('answers a plain chat without tools', async () => {
    const plain = await create({ tools: undefined, max_tokens: 4 });
    expectOpenAISchema('CreateChatCompletionResponse', plain);
    expect(plain.choices[0].message.tool_calls ?? []).toEqual([]);
  });

  it.each([
    ['required', 'required' as const],
    ['named', { type: 'function' as const, function: { name: 'get_news' } }],
  ])('%s: exactly one valid call for every seed', async (_name, toolChoice) => {
    for (const seed of SEEDS) {
      const completion = await create({ tool_choice: toolChoice, parallel_tool_calls: false, seed });
      expectOpenAISchema('CreateChatCompletionResponse', completion);
      const [choice] = completion.choices;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.tool_calls).toHaveLength(1);
      expectValidCalls(choice.message.tool_calls);
      if (typeof toolChoice === 'object') expect((choice.message.tool_calls?.[0] as Call).function.name).toBe('get_news');
    }
  }, 300_000);

  (autoBias ? it : it.skip)('auto: valid calls for every seed (trigger pushed with logit_bias)', async () => {
    const pushed = Object.keys(autoBias ?? {}).length > 0;
    for (const seed of SEEDS) {
      const completion = await create({ tool_choice: 'auto', parallel_tool_calls: false, logit_bias: autoBias, seed });
      const [choice] = completion.choices;
      // unpushed (generic: text or calls, both under its grammar), a text answer is fine too
      if (pushed || choice.finish_reason === 'tool_calls') {
        expect(choice.finish_reason).toBe('tool_calls');
        expectValidCalls(choice.message.tool_calls);
      } else {
        expect(choice.message.tool_calls ?? []).toEqual([]);
      }
    }
  }, 300_000);

  it('parallel: 1…n valid calls for every seed; streamed, OpenAI-shaped deltas add up to the same answer', async () => {
    for (const seed of SEEDS) {
      const params = { tool_choice: 'required' as const, parallel_tool_calls: true, max_tokens: 200, seed };
      const plain = await create(params);
      expectOpenAISchema('CreateChatCompletionResponse', plain);
      if (plain.choices[0].finish_reason === 'tool_calls') expectValidCalls(plain.choices[0].message.tool_calls);
      else expect(plain.choices[0].finish_reason).toBe('length');
      if (seed > 5) continue;
      const stream = client.chat.completions.stream({
        model: 'm',
        messages: [{ role: 'user', content: 'News for Paris?' }],
        tools: TOOLS,
        ...extra,
        ...params,
      } as OpenAI.ChatCompletionCreateParamsStreaming);
      const chunks: ChatCompletionChunk[] = [];
      stream.on('chunk', (chunk) => chunks.push(chunk));
      const streamed = await stream.finalChatCompletion();
      for (const chunk of chunks) expectOpenAISchema('CreateChatCompletionStreamResponse', chunk);
      const firsts = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).filter((delta) => delta.id);
      for (const first of firsts) {
        expect(first).toEqual({
          index: first.index,
          id: expect.stringMatching(idPattern),
          type: 'function',
          function: { name: expect.any(String), arguments: '' },
        });
      }
      const [streamedChoice, plainChoice] = [streamed.choices[0], plain.choices[0]];
      expect(streamedChoice.finish_reason).toBe(plainChoice.finish_reason);
      const callsOf = (calls: OpenAI.ChatCompletionMessageToolCall[] | undefined) =>
        ((calls ?? []) as Call[]).map((call) => call.function);
      const [streamedCalls, plainCalls] = [callsOf(streamedChoice.message.tool_calls), callsOf(plainChoice.message.tool_calls)];
      if (plainChoice.finish_reason === 'length' && streamedCalls.length > plainCalls.length) {
        // the call max_tokens cut off: its deltas were streamed, it is no call of the plain answer
        streamedCalls.pop();
      }
      expect(streamedCalls).toEqual(plainCalls);
    }
  }, 480_000);

  it('renders a tool round trip in its history (ids, results, system text) and answers', async () => {
    const first = await create({ tool_choice: 'required', parallel_tool_calls: false, seed: 1 });
    const [call] = first.choices[0].message.tool_calls as Call[];
    const completion = await create({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'News for Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ ...call, id: 'call_from_a_client_0001' }] },
        { role: 'tool', tool_call_id: 'call_from_a_client_0001', content: '{"headline":"sunny"}' },
      ],
      tool_choice: 'none',
      max_tokens: 8,
    });
    expectOpenAISchema('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].message.tool_calls ?? []).toEqual([]);
  }, 60_000);
});
