import fc from 'fast-check';
import { CliProcess, isHealthy, startServe, stopCli } from './support/cli-process';
import { validateOpenAISchema } from './support/openai-schemas';
import { testAssets } from './support/test-assets';

/**
 * Hostile request bodies to `POST /v1/chat/completions`, generated with fast-check: every answer
 * is a 4xx OpenAI error or a valid 200, never a 5xx, and the service keeps answering `/health`.
 * Valid bodies ask for at most a few tokens, so they are cheap.
 */
describe('fuzz: hostile chat completion bodies (real llama-server)', () => {
  let cli: CliProcess;

  beforeAll(async () => {
    const { model, llamaServer } = testAssets();
    cli = await startServe(['-m', model, '--llama-server', llamaServer, '-c', '1024', '-np', '2']);
  }, 120_000);

  afterAll(() => stopCli(cli));

  /** Sends `body` (JSON text or raw bytes) and checks the answer; returns its status. */
  const send = async (body: string | Uint8Array): Promise<number> => {
    const response = await fetch(`${cli.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await response.text();
    const context = `${response.status} for ${preview(body)}: ${text.slice(0, 400)}`;
    if (response.status >= 500) throw new Error(`server error ${context}`);
    if (response.status === 200) {
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        if (!/data: \[DONE\]\n\n$/.test(text) && !/"error"/.test(text)) throw new Error(`unfinished stream ${context}`);
      } else {
        const { valid, errors } = validateOpenAISchema('CreateChatCompletionResponse', JSON.parse(text));
        if (!valid) throw new Error(`invalid 200 ${context}: ${JSON.stringify(errors)}`);
      }
      return 200;
    }
    const { valid } = validateOpenAISchema('ErrorResponse', safeParse(text));
    if (response.status < 400 || !valid) throw new Error(`not an OpenAI 4xx error ${context}`);
    return response.status;
  };

  const check = async (body: string | Uint8Array): Promise<void> => {
    await send(body);
  };

  const run = async (property: fc.IAsyncPropertyWithHooks<[string | Uint8Array]>, numRuns: number) => {
    // counterexamples can be megabytes: report the first few thousand characters
    await fc.assert(property, { numRuns, endOnFailure: true }).catch((error: Error) => {
      throw new Error(error.message.slice(0, 4000));
    });
    expect(await isHealthy(cli.baseUrl)).toBe(true);
    expect(cli.process.exitCode).toBeNull();
  };

  const valid = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };

  it('any JSON value as the body, nested deep', async () => {
    await run(fc.asyncProperty(fc.jsonValue({ depthSize: 'large' }).map((value) => JSON.stringify(value)), check), 60);
  }, 180_000);

  it('nesting thousands of levels deep, anywhere', async () => {
    const deep = fc
      .tuple(fc.integer({ min: 100, max: 200_000 }), fc.constantFrom('[', '{"a":'))
      .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);
    const where = fc.constantFrom(
      (v: string) => v,
      (v: string) => `{"messages":${v},"max_tokens":2}`,
      (v: string) => `{"messages":[{"role":"user","content":${v}}],"max_tokens":2}`,
      (v: string) => `{"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"chat_template_kwargs":{"x":${v}}}`,
      (v: string) => `{"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":${v}}}}`,
    );
    await run(fc.asyncProperty(fc.tuple(deep, where).map(([value, place]) => place(value)), check), 40);
  }, 180_000);

  it('every request field set to a wrong type, a huge number or a giant string', async () => {
    const field = fc.constantFrom(...FIELDS);
    const hostileValue = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(1e308, -1e308, 2 ** 63, -(2 ** 63), 1e21, 0.1, -1, 2.5, Number.MAX_SAFE_INTEGER + 2),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.integer({ min: 100_000, max: 400_000 }).map((length) => 'x'.repeat(length)),
    );
    const body = fc.tuple(field, hostileValue).map(([name, value]) => {
      // a huge valid max_tokens would only make a valid request slow
      const cap = name === 'max_tokens' || name === 'max_completion_tokens' ? { max_tokens: 2 } : {};
      return JSON.stringify({ ...valid, [name]: value, ...(name === 'max_tokens' ? {} : cap) });
    });
    await run(fc.asyncProperty(body, check), 120);
  }, 300_000);

  it('messages of every shape', async () => {
    const message = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function', '', '__proto__'),
        content: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 3 }), fc.constant(null)),
        tool_calls: fc.jsonValue({ maxDepth: 3 }),
        tool_call_id: fc.jsonValue({ maxDepth: 1 }),
        name: fc.string({ unit: 'binary', maxLength: 20 }),
      }, { requiredKeys: ['role'] }),
    );
    const body = fc.array(message, { maxLength: 6 }).map((messages) => JSON.stringify({ ...valid, messages }));
    await run(fc.asyncProperty(body, check), 100);
  }, 300_000);

  it('prototype-pollution keys anywhere', async () => {
    const pollutingKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
    const pollution = fc.tuple(pollutingKey, fc.jsonValue({ maxDepth: 2 }));
    const body = fc
      .tuple(pollution, pollution, pollution, fc.constantFrom('top', 'message', 'tool', 'schema'))
      .map(([[k1, v1], [k2, v2], [k3, v3], where]) => {
        const polluted = (base: string) => `{${base},${jsonEntry(k1, v1)},${jsonEntry(k2, v2)}}`;
        const schema = `{"type":"object",${jsonEntry(k3, v3)},"properties":{${jsonEntry(k3, { type: 'string' })}}}`;
        const tool = `{"type":"function","function":{"name":"f","parameters":${schema}}}`;
        const message = where === 'message' ? polluted('"role":"user","content":"hi"') : '{"role":"user","content":"hi"}';
        const top = `"messages":[${message}],"max_tokens":2`;
        if (where === 'top') return polluted(top);
        if (where === 'message') return `{${top}}`;
        if (where === 'tool') return `{${top},"tools":[${tool}],"tool_choice":"required"}`;
        return `{${top},"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":${schema}}}}`;
      });
    await run(fc.asyncProperty(body, check), 80);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  }, 300_000);

  it('invalid UTF-8, lone surrogates and control bytes in the body', async () => {
    const bad = fc.oneof(
      fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x90, 0x80], [0xed, 0xa0, 0x80], [0x00], [0xc0, 0xaf]),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => [...bytes]),
    );
    const escaped = fc.constantFrom('\\ud800', '\\udfff', '\\ud800\\u0000', '\\u0000', '\\ud83d');
    const body = fc.oneof(
      bad.map((bytes) => {
        const [head, tail] = ['{"messages":[{"role":"user","content":"a', 'b"}],"max_tokens":2}'];
        return new Uint8Array([...Buffer.from(head), ...bytes, ...Buffer.from(tail)]);
      }),
      fc.tuple(escaped, fc.constantFrom('content', 'tool', 'stop')).map(([text, where]) => {
        if (where === 'content') return `{"messages":[{"role":"user","content":"x${text}y"}],"max_tokens":2}`;
        if (where === 'stop') return `{"messages":[{"role":"user","content":"x"}],"max_tokens":2,"stop":["${text}"]}`;
        return `{"messages":[{"role":"user","content":"x"}],"max_tokens":2,"tool_choice":"required","tools":[{"type":"function","function":{"name":"f${text}","parameters":{"type":"object","properties":{"a${text}":{"enum":["${text}"]}},"required":["a${text}"]}}}]}`;
      }),
    );
    await run(fc.asyncProperty(body as fc.Arbitrary<string | Uint8Array>, check), 80);
  }, 300_000);

  it('schema pathologies in response_format and tools', async () => {
    const schema = fc.oneof(
      fc.constant({ $ref: '#' }),
      fc.constant({ $defs: { a: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }),
      fc.constant({ $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }),
      fc.constant({ type: 'object', properties: { self: { $ref: '#' } }, required: ['self'] }),
      fc.constant({ $ref: 'http://example.com/remote.json' }),
      fc.constant({ $ref: '#/$defs/missing' }),
      fc.integer({ min: 1000, max: 10_000 }).map((n) => ({ anyOf: Array.from({ length: n }, (_, i) => ({ const: `v${i}` })) })),
      fc.integer({ min: 1000, max: 10_000 }).map((n) => ({ oneOf: Array.from({ length: n }, (_, i) => ({ type: 'object', properties: { [`k${i}`]: { const: i } }, required: [`k${i}`] })) })),
      fc.integer({ min: 20, max: 400 }).map((depth) => nest(depth, (inner) => ({ type: 'object', properties: { a: inner }, required: ['a'] }))),
      fc.integer({ min: 20, max: 400 }).map((depth) => nest(depth, (inner) => ({ type: 'array', items: inner, minItems: 1 }))),
      fc.integer({ min: 20, max: 400 }).map((depth) => nest(depth, (inner) => ({ anyOf: [inner, { type: 'null' }] }))),
      fc.constant({ type: 'string', pattern: '(a+)+$' }),
      fc.constant({ type: 'string', pattern: '[' }),
      fc.constant({ type: 'string', minLength: 1e9 }),
      fc.constant({ type: 'integer', minimum: 1e308, maximum: -1e308 }),
      fc.constant({ type: 'array', minItems: 1e9, items: { type: 'integer' } }),
      fc.constant({ type: 'object', minProperties: 1e6 }),
      fc.constant({ enum: [] }),
      fc.constant({ type: 'number', multipleOf: 1e-300 }),
      fc.constant({ allOf: [{ type: 'string' }, { type: 'integer' }] }),
      fc.constant(false),
      fc.jsonValue({ maxDepth: 4 }),
    );
    const body = fc.tuple(schema, fc.boolean(), fc.boolean()).map(([parameters, asTool, strict]) =>
      JSON.stringify(
        asTool
          ? { ...valid, tools: [{ type: 'function', function: { name: 'f', parameters, strict } }], tool_choice: 'required' }
          : { ...valid, response_format: { type: 'json_schema', json_schema: { name: 's', schema: parameters, strict } } },
      ),
    );
    await run(fc.asyncProperty(body, check), 80);
  }, 300_000);

  it('tool names and descriptions with quotes, backslashes and markup', async () => {
    const nasty = fc.oneof(
      fc.constantFrom('"', '\\', '\\"', '"}]', '</tool_call>', '<tool_call>', '\n', '{{', '{%', '${x}', "'", '`', '\u0000', '::=', '|', ' '),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    const body = fc.tuple(nasty, nasty, nasty, fc.constantFrom('required', 'auto', 'named')).map(([name, description, property, choice]) =>
      JSON.stringify({
        ...valid,
        max_tokens: 24,
        tools: [
          {
            type: 'function',
            function: {
              name,
              description,
              parameters: { type: 'object', properties: { [property]: { enum: [name, description] } }, required: [property] },
            },
          },
        ],
        tool_choice: choice === 'named' ? { type: 'function', function: { name } } : choice,
      }),
    );
    await run(fc.asyncProperty(body, check), 80);
  }, 300_000);

  it('still answers normally after all of the above, with no internal error logged', async () => {
    expect(await send(JSON.stringify(valid))).toBe(200);
    expect(cli.output()).not.toMatch(/internal_error|Internal server error|\bERROR\b.*Errors/);
  });
});

/** Every top-level field of the chat request schema, plus unknown ones. */
const FIELDS = [
  'model', 'messages', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'n', 'stop', 'seed',
  'presence_penalty', 'frequency_penalty', 'logit_bias', 'stream', 'stream_options', 'tools', 'tool_choice',
  'parallel_tool_calls', 'response_format', 'grammar', 'json_schema', 'logprobs', 'top_logprobs', 'user',
  'chat_template_kwargs', 'top_k', 'min_p', 'typical_p', 'repeat_penalty', 'repeat_last_n', 'mirostat',
  'dry_multiplier', 'dry_sequence_breakers', 'samplers', 'n_keep', 'ignore_eos', 't_max_predict_ms',
  'unknown_field', '__proto__', 'constructor',
];

/** `depth` levels of `wrap` around `{ type: "string", maxLength: 2 }`. */
function nest(depth: number, wrap: (inner: object) => object): object {
  let schema: object = { type: 'string', maxLength: 2 };
  for (let level = 0; level < depth; level++) schema = wrap(schema);
  return schema;
}

/** `"key":value` as JSON text (keys such as `__proto__` stay own keys in the text). */
function jsonEntry(key: string, value: unknown): string {
  return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function preview(body: string | Uint8Array): string {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('latin1');
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}
