import Ajv2020 from 'ajv/dist/2020';
import OpenAI from 'openai';
import { CliProcess, startServe } from './support/cli-process';
import { ensureFormatModel } from './support/format-models';
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

/**
 * Formats other than Hermes (see tools.e2e-spec.ts), each on a tiny model carrying that format's
 * real template and a fitting real vocab, through the openai SDK: `required` and named choices give
 * a valid call for every seed.
 */
describe.each([
  { format: 'llama3', vocab: 'ggml-vocab-llama-bpe.gguf', template: 'meta-llama-Llama-3.1-8B-Instruct.jinja', kwargs: {} },
  { format: 'functionary', vocab: 'ggml-vocab-llama-bpe.gguf', template: 'meetkai-functionary-medium-v3.2.jinja', kwargs: {} },
  // random weights never close a think block: thinking is switched off as a client would
  { format: 'qwen3', vocab: 'ggml-vocab-qwen2.gguf', template: 'Qwen-Qwen3-0.6B.jinja', kwargs: { enable_thinking: false } },
])('$format format ($template)', ({ format, vocab, template, kwargs }) => {
  let cli: CliProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const model = await ensureFormatModel(vocab, template);
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

  it.each([
    ['required', 'required' as const],
    ['named', { type: 'function' as const, function: { name: 'get_news' } }],
  ])('%s: a valid call for every seed', async (_name, toolChoice) => {
    for (const seed of SEEDS) {
      const completion = await client.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'News for Paris?' }],
        tools: TOOLS,
        tool_choice: toolChoice,
        parallel_tool_calls: false,
        max_tokens: 120,
        seed,
        chat_template_kwargs: kwargs,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      expectOpenAISchema('CreateChatCompletionResponse', completion);
      const [choice] = completion.choices;
      expect(choice.finish_reason).toBe('tool_calls');
      const [call] = choice.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
      if (typeof toolChoice === 'object') expect(call.function.name).toBe('get_news');
      expect(validate(JSON.parse(call.function.arguments))).toBe(true);
    }
  }, 120_000);
});
