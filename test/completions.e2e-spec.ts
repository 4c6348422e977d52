import OpenAI from 'openai';
import { Completion } from 'openai/resources/completions';
import { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { CliProcess, startServe, stopCli, postJson } from './support/cli-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { testAssets } from './support/test-assets';

/** Qwen2's end tokens, banned where a test needs an exact number of tokens. */
const NO_EOS = { '151645': -100, '151643': -100 };

/**
 * `POST /v1/completions`, logprobs on `POST /v1/chat/completions`, and llama-server's own
 * `/tokenize`, `/detokenize`, `/props`: the CLI serving the tiny GGUF through a real llama-server,
 * driven by the official openai SDK, every body checked against OpenAI's schemas.
 */
describe('completions, chat logprobs and llama.cpp pass-through (real llama-server, openai SDK)', () => {
  let cli: CliProcess;
  let client: OpenAI;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '2048', '-np', '2']);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(() => stopCli(cli));

  const post = (path: string, body: unknown) => postJson(cli.baseUrl, path, body);

  const expectError = async (path: string, body: unknown, status: number, code: string, param: string | null) => {
    const response = await post(path, body);
    expectOpenAISchema('ErrorResponse', response.body);
    expect({ status: response.status, code: response.body.error.code, param: response.body.error.param }).toEqual({
      status,
      code,
      param,
    });
    return response.body.error.message as string;
  };

  /**
   * A streamed Completions chunk: OpenAI's spec has no stream schema for (legacy) Completions; its
   * streams send `CreateCompletionResponse`-shaped chunks with `finish_reason: null` until a
   * choice's last chunk, so that one field is checked apart.
   */
  const expectCompletionChunk = (chunk: Completion) => {
    const choices = chunk.choices.map((choice) => {
      expect([null, 'stop', 'length']).toContain(choice.finish_reason);
      return { ...choice, finish_reason: choice.finish_reason ?? 'stop' };
    });
    expectOpenAISchema('CreateCompletionResponse', { ...chunk, choices });
  };

  const tokensOf = async (content: string): Promise<number[]> => (await post('/tokenize', { content })).body.tokens;

  /** Greedy, fixed-length completion fields (extra body fields go through the SDK as they are). */
  const greedy = { temperature: 0, max_tokens: 6, logit_bias: NO_EOS };

  describe('POST /v1/completions', () => {
    it('completes a string prompt raw, as OpenAI answers', async () => {
      const completion = await client.completions.create({ model: 'tiny-qwen2.5', prompt: 'Hello', ...greedy });
      expectOpenAISchema('CreateCompletionResponse', completion);
      expect(completion.id).toMatch(/^cmpl-/);
      expect(completion.object).toBe('text_completion');
      expect(completion.model).toBe('tiny-qwen2.5');
      expect(completion.choices).toHaveLength(1);
      const [choice] = completion.choices;
      expect(choice).toMatchObject({ index: 0, finish_reason: 'length', logprobs: null });
      expect(choice.text.length).toBeGreaterThan(0);
      // no chat template: the prompt is the one token of "Hello"
      expect(completion.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: 6, total_tokens: 7 });
    });

    it("generates OpenAI's default 16 tokens without max_tokens", async () => {
      const completion = await client.completions.create({
        model: 'm',
        prompt: 'Hello',
        logit_bias: NO_EOS,
      });
      expect(completion.usage!.completion_tokens).toBe(16);
    });

    it('answers an array of prompts with one choice per prompt, usage summed', async () => {
      const prompts = ['Hello', 'The weather today', 'Once upon a time'];
      const completion = await client.completions.create({ model: 'm', prompt: prompts, ...greedy });
      expectOpenAISchema('CreateCompletionResponse', completion);
      expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
      const promptTokens = (await Promise.all(prompts.map(tokensOf))).reduce((sum, ids) => sum + ids.length, 0);
      expect(completion.usage).toMatchObject({ prompt_tokens: promptTokens, completion_tokens: 18 });
      const single = await client.completions.create({ model: 'm', prompt: prompts[1], ...greedy });
      expect(completion.choices[1].text).toBe(single.choices[0].text);
    });

    it('takes token-id prompts, one array or several, as the same text', async () => {
      const text = 'Once upon a time';
      const ids = await tokensOf(text);
      const [fromText, fromIds, fromIdArrays] = await Promise.all([
        client.completions.create({ model: 'm', prompt: text, ...greedy }),
        client.completions.create({ model: 'm', prompt: ids, ...greedy }),
        client.completions.create({ model: 'm', prompt: [ids, ids], ...greedy }),
      ]);
      expect(fromIds.choices[0].text).toBe(fromText.choices[0].text);
      expect(fromIdArrays.choices.map((choice) => choice.text)).toEqual([fromText.choices[0].text, fromText.choices[0].text]);
      expectOpenAISchema('CreateCompletionResponse', fromIdArrays);
    });

    it('echoes the prompt before the completion (token prompts detokenised)', async () => {
      const text = 'Once upon a time';
      const plain = await client.completions.create({ model: 'm', prompt: text, ...greedy });
      const echoed = await client.completions.create({ model: 'm', prompt: text, echo: true, ...greedy });
      expect(echoed.choices[0].text).toBe(text + plain.choices[0].text);
      const fromIds = await client.completions.create({ model: 'm', prompt: await tokensOf(text), echo: true, ...greedy });
      expect(fromIds.choices[0].text).toBe(text + plain.choices[0].text);
    });

    it("reports logprobs in the legacy shape, mapped from llama-server's n_probs", async () => {
      const completion = await client.completions.create({ model: 'm', prompt: 'Hello', ...greedy, logprobs: 3 });
      expectOpenAISchema('CreateCompletionResponse', completion);
      const { text, logprobs } = completion.choices[0];
      expect(logprobs!.tokens!.join('')).toBe(text);
      expect(logprobs!.token_logprobs).toHaveLength(logprobs!.tokens!.length);
      for (const [index, logprob] of logprobs!.token_logprobs!.entries()) {
        expect(logprob).toBeLessThanOrEqual(0);
        const top = logprobs!.top_logprobs![index];
        // the 3 best, plus the chosen token when it is not among them
        expect(Object.keys(top).length).toBeGreaterThanOrEqual(3);
        expect(Object.keys(top).length).toBeLessThanOrEqual(4);
        expect(top[logprobs!.tokens![index]]).toBe(logprob);
        // greedy: the chosen token is the most likely one
        expect(logprob).toBeCloseTo(Math.max(...Object.values(top)), 5);
      }
      const offsets = logprobs!.tokens!.map((_, index) => [...logprobs!.tokens!.slice(0, index).join('')].length);
      expect(logprobs!.text_offset).toEqual(offsets);
    });

    it('streams SSE chunks per choice that add up to the answer, with usage and [DONE]', async () => {
      const prompts = ['Hello', 'Once upon a time'];
      const whole = await client.completions.create({ model: 'm', prompt: prompts, ...greedy, logprobs: 1 });
      const stream = await client.completions.create({
        model: 'm',
        prompt: prompts,
        ...greedy,
        logprobs: 1,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: Completion[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      for (const chunk of chunks) expectCompletionChunk(chunk);
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
      const usageChunk = chunks[chunks.length - 1];
      expect(usageChunk.choices).toEqual([]);
      expect(usageChunk.usage).toEqual(whole.usage);
      for (const index of [0, 1]) {
        const mine = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.index === index));
        expect(mine.map((choice) => choice.text).join('')).toBe(whole.choices[index].text);
        expect(mine.filter((choice) => choice.finish_reason)).toEqual([
          expect.objectContaining({ finish_reason: 'length', text: '' }),
        ]);
        const streamedTokens = mine.flatMap((choice) => choice.logprobs?.tokens ?? []);
        expect(streamedTokens).toEqual(whole.choices[index].logprobs!.tokens);
        const offsets = mine.flatMap((choice) => choice.logprobs?.text_offset ?? []);
        expect(offsets).toEqual(whole.choices[index].logprobs!.text_offset);
      }

      const raw = await fetch(`${cli.baseUrl}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'Hello', max_tokens: 2, stream: true, echo: true }),
      });
      expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = (await raw.text()).split('\n\n').filter((event) => event.startsWith('data: '));
      expect(events[events.length - 1]).toBe('data: [DONE]');
      expect(JSON.parse(events[0].slice(6)).choices[0].text).toBe('Hello');
    });

    it("constrains the output with llama.cpp's grammar and json_schema", async () => {
      const grammar = await post('/v1/completions', { prompt: 'Answer:', grammar: 'root ::= "yes" | "no"' });
      expect(['yes', 'no']).toContain(grammar.body.choices[0].text);
      const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
      const json = await post('/v1/completions', { prompt: 'JSON:', json_schema: schema, max_tokens: 64 });
      expectOpenAISchema('CreateCompletionResponse', json.body);
      if (json.body.choices[0].finish_reason === 'stop') {
        expect(typeof JSON.parse(json.body.choices[0].text).ok).toBe('boolean');
      }
    });

    it('refuses what it cannot honour with 400, naming the field', async () => {
      const path = '/v1/completions';
      expect(await expectError(path, { prompt: 'a', suffix: 'b' }, 400, 'unsupported_parameter', 'suffix')).toMatch(
        /infill/,
      );
      await expectError(path, { prompt: 'a', best_of: 2 }, 400, 'unsupported_value', 'best_of');
      await expectError(path, { prompt: 'a', n: 2 }, 400, 'unsupported_value', 'n');
      await expectError(path, { prompt: 'a', echo: true, logprobs: 1 }, 400, 'unsupported_parameter', 'echo');
      await expectError(path, { prompt: 'a', logprobs: 6 }, 400, 'invalid_value', 'logprobs');
      await expectError(path, {}, 400, 'missing_required_parameter', 'prompt');
      await expectError(path, { prompt: [] }, 400, 'invalid_value', 'prompt');
      await expectError(path, { prompt: ['a', 1] }, 400, 'invalid_type', 'prompt[1]');
      await expectError(path, { prompt: [999999999] }, 400, 'upstream_rejected', null);
      // an empty suffix asks for nothing
      expect((await post(path, { prompt: 'a', suffix: '', max_tokens: 1 })).status).toBe(200);
    });
  });

  describe('logprobs on POST /v1/chat/completions', () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Name a colour.' }];

    it('returns choices[].logprobs.content with top_logprobs', async () => {
      const completion = await client.chat.completions.create({
        model: 'm',
        messages,
        ...greedy,
        logprobs: true,
        top_logprobs: 2,
      });
      expectOpenAISchema('CreateChatCompletionResponse', completion);
      const { logprobs, message } = completion.choices[0];
      expect(logprobs!.refusal).toBeNull();
      const content = logprobs!.content!;
      expect(content.map((token) => token.token).join('')).toBe(message.content);
      for (const token of content) {
        expect(Buffer.from(token.bytes!).toString('utf8')).toBe(token.token);
        expect(token.top_logprobs).toHaveLength(2);
        expect(token.top_logprobs[0].logprob).toBeCloseTo(token.logprob, 5);
      }
      const plain = await client.chat.completions.create({ model: 'm', messages, ...greedy, logprobs: true });
      expect(plain.choices[0].logprobs!.content!.every((token) => token.top_logprobs.length === 0)).toBe(true);
      const none = await client.chat.completions.create({ model: 'm', messages, ...greedy });
      expect(none.choices[0].logprobs).toBeNull();
    });

    it('streams each piece with its tokens', async () => {
      const stream = await client.chat.completions.create({
        model: 'm',
        messages,
        ...greedy,
        logprobs: true,
        top_logprobs: 1,
        stream: true,
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      for (const chunk of chunks) expectOpenAISchema('CreateChatCompletionStreamResponse', chunk);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      const tokens = chunks.flatMap((chunk) => chunk.choices[0]?.logprobs?.content ?? []);
      expect(tokens.map((token) => token.token).join('')).toBe(text);
      expect(tokens.length).toBe(6);
    });

    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'pick',
          parameters: {
            type: 'object',
            properties: { c: { enum: ['red'] } },
            required: ['c'],
            additionalProperties: false,
          },
        },
      },
    ];

    it('returns the raw output tokens beside tool calls', async () => {
      const completion = await client.chat.completions.create({
        model: 'm',
        messages,
        max_tokens: 60,
        logprobs: true,
        tools,
        tool_choice: 'required',
        parallel_tool_calls: false,
      });
      expectOpenAISchema('CreateChatCompletionResponse', completion);
      expect(completion.choices[0].message.tool_calls).toHaveLength(1);
      const tokens = completion.choices[0].logprobs!.content!;
      expect(tokens.map((token) => token.token).join('')).toContain('"pick"');
    });

    it('streams the raw output tokens beside tool-call deltas', async () => {
      const stream = await client.chat.completions.create({
        model: 'm',
        messages,
        max_tokens: 60,
        logprobs: true,
        tools,
        tool_choice: 'required',
        parallel_tool_calls: false,
        stream: true,
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      for (const chunk of chunks) expectOpenAISchema('CreateChatCompletionStreamResponse', chunk);
      expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls)).toBe(true);
      const tokens = chunks.flatMap((chunk) => chunk.choices[0]?.logprobs?.content ?? []);
      expect(tokens.map((token) => token.token).join('')).toContain('"pick"');
    });

    it('refuses top_logprobs without logprobs, as OpenAI does', async () => {
      await expectError('/v1/chat/completions', { messages, top_logprobs: 2 }, 400, 'invalid_value', 'top_logprobs');
    });
  });

  describe("llama-server's /tokenize, /detokenize and /props", () => {
    it('forwards /tokenize and /detokenize both ways', async () => {
      const tokenized = await post('/tokenize', { content: 'Hello world', with_pieces: true });
      expect(tokenized.status).toBe(200);
      const pieces = tokenized.body.tokens as Array<{ id: number; piece: string }>;
      expect(pieces.map((token) => token.piece).join('')).toBe('Hello world');
      const detokenized = await post('/detokenize', { tokens: pieces.map((token) => token.id) });
      expect(detokenized).toEqual({ status: 200, body: { content: 'Hello world' } });
    });

    it("answers GET /props with llama-server's own", async () => {
      const response = await fetch(`${cli.baseUrl}/props`);
      expect(response.status).toBe(200);
      const props = (await response.json()) as Record<string, any>;
      expect(props.total_slots).toBe(2);
      expect(typeof props.chat_template).toBe('string');
      expect(props.default_generation_settings.n_ctx).toBeGreaterThan(0);
    });

    it('answers bad bodies and out-of-vocabulary ids with 400, not a server error', async () => {
      await expectError('/tokenize', {}, 400, 'missing_required_parameter', 'content');
      await expectError('/tokenize', { content: 5 }, 400, 'invalid_type', 'content');
      await expectError('/detokenize', { tokens: 'x' }, 400, 'invalid_type', 'tokens');
      await expectError('/detokenize', { tokens: [999999999] }, 400, 'invalid_value', null);
      await expectError('/v1/completions', { prompt: [999999999], echo: true }, 400, 'invalid_value', null);
    });

    it('answers /v1/embeddings without an embedding model with 404', async () => {
      const message = await expectError('/v1/embeddings', { input: 'hi' }, 404, 'model_not_found', 'model');
      expect(message).toMatch(/--embedding-model/);
    });
  });
});
