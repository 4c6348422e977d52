import OpenAI from 'openai';
import { JsonValidator } from '../src/grammar';
import { CliProcess, startServe } from './support/cli-process';
import { expectOpenAISchema } from './support/openai-schemas';
import { testAssets } from './support/test-assets';

/**
 * `response_format` end to end: the CLI serving the tiny random-weight model, driven by the official
 * openai SDK. Random weights only end strings at maxLength, so the schemas are bounded.
 */
describe('response_format (real llama-server, openai SDK)', () => {
  let cli: CliProcess;
  let client: OpenAI;
  const validator = new JsonValidator();

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '2048', '-np', '1']);
    client = new OpenAI({ baseURL: `${cli.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    cli?.process.kill('SIGTERM');
    await cli?.exited;
  });

  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Describe a person as JSON.' }];
  const bounded = {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 12 },
      age: { type: 'integer', minimum: 0, maximum: 120 },
      score: { type: 'number', minimum: 0, maximum: 1 },
      tags: { type: 'array', items: { enum: ['a', 'b', 'c'] }, maxItems: 3 },
      born: { type: 'string', format: 'date' },
      active: { type: 'boolean' },
    },
    required: ['name', 'age', 'tags', 'active'],
    additionalProperties: false,
  };

  it('answers json_schema with valid JSON for 50 seeds', async () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      const completion = await client.chat.completions.create({
        model: 'tiny-qwen2',
        messages,
        seed,
        temperature: 1,
        max_tokens: 600,
        response_format: { type: 'json_schema', json_schema: { name: 'person', schema: bounded, strict: true } },
      });
      expectOpenAISchema('CreateChatCompletionResponse', completion);
      const [choice] = completion.choices;
      const content = choice.message.content ?? '';
      const check = validator.validateText(bounded, content);
      if (choice.finish_reason !== 'stop' || !check.valid) failures.push(`seed ${seed}: ${choice.finish_reason} ${content}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('streams json_schema output whose pieces add up to valid JSON', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny-qwen2',
      messages,
      seed: 7,
      max_tokens: 600,
      stream: true,
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: bounded } },
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      expectOpenAISchema('CreateChatCompletionStreamResponse', chunk);
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('stop');
    expect(validator.validateText(bounded, text)).toMatchObject({ valid: true });
  }, 120_000);

  it('reports truncation by max_tokens as finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'tiny-qwen2',
      messages,
      max_tokens: 3,
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: bounded } },
    });
    expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.choices[0].message.content!.startsWith('{')).toBe(true);
  });

  it('answers json_object with a JSON object (or a truncated one)', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const completion = await client.chat.completions.create({
        model: 'tiny-qwen2',
        messages,
        seed,
        max_tokens: 40,
        response_format: { type: 'json_object' },
      });
      const { content } = completion.choices[0].message;
      expect(content!.startsWith('{')).toBe(true);
      if (completion.choices[0].finish_reason === 'stop') {
        const value: unknown = JSON.parse(content!);
        expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
      }
    }
  }, 120_000);

  it("accepts llama.cpp's json_schema and grammar request fields", async () => {
    const post = async (body: Record<string, unknown>) => {
      const response = await fetch(`${cli.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages, max_tokens: 50, ...body }),
      });
      return (await response.json()) as { choices: Array<{ message: { content: string } }> };
    };
    const viaSchema = await post({ json_schema: { enum: ['red', 'green'] } });
    expect(['"red"', '"green"']).toContain(viaSchema.choices[0].message.content);
    const viaGrammar = await post({ grammar: 'root ::= "yes" | "no"' });
    expect(['yes', 'no']).toContain(viaGrammar.choices[0].message.content);
  });

  describe('errors', () => {
    const post = async (body: Record<string, unknown>) => {
      const response = await fetch(`${cli.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages, max_tokens: 5, ...body }),
      });
      const json = (await response.json()) as { error: Record<string, string | null> };
      expectOpenAISchema('ErrorResponse', json);
      return { status: response.status, error: json.error };
    };

    it('refuses a schema it cannot enforce with 400 unsupported_schema naming keyword and pointer', async () => {
      const schema = { type: 'object', properties: { ids: { type: 'array', items: { type: 'integer' }, uniqueItems: true } } };
      const { status, error } = await post({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } });
      expect(status).toBe(400);
      expect(error.code).toBe('unsupported_schema');
      expect(error.param).toBe('response_format.json_schema.schema');
      expect(error.message).toContain("'uniqueItems' at '/properties/ids'");
    });

    it("answers an invalid schema with 400 and ajv's message", async () => {
      const { status, error } = await post({
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'strng' } } },
      });
      expect(status).toBe(400);
      expect(error.code).toBe('invalid_schema');
      expect(error.message).toMatch(/schema is invalid|must be equal to one of the allowed values/);
    });

    it('validates the response_format shape', async () => {
      const missing = await post({ response_format: { type: 'json_schema' } });
      expect(missing.status).toBe(400);
      expect(missing.error.param).toMatch(/^response_format/);
      const unknown = await post({ response_format: { type: 'yaml' } });
      expect(unknown.status).toBe(400);
    });

    it('refuses grammar together with a JSON response_format', async () => {
      const { status, error } = await post({ grammar: 'root ::= "a"', response_format: { type: 'json_object' } });
      expect(status).toBe(400);
      expect(error.param).toBe('grammar');
    });
  });

  it('has logged no internal error', () => {
    expect(cli.output()).not.toMatch(/ERROR/);
  });
});
