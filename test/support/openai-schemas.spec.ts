import { readFileSync } from 'fs';
import {
  OPENAI_SCHEMAS_PATH,
  OPENAI_SCHEMA_NAMES,
  expectOpenAISchema,
  validateOpenAISchema,
} from './openai-schemas';

const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };

/** Minimal valid non-streamed chat completion; `refusal` and `logprobs` are required (nullable). */
const chatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'qwen2.5-7b-instruct',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello!', refusal: null },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage,
};

const chunk = (choices: unknown[], extra: object = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'qwen2.5-7b-instruct',
  choices,
  ...extra,
});

describe('validateOpenAISchema / expectOpenAISchema', () => {
  it('reads the vendored subset, which records its source commit', () => {
    const doc = JSON.parse(readFileSync(OPENAI_SCHEMAS_PATH, 'utf8'));
    expect(doc['x-source']).toMatchObject({ commit: 'f85dbe22', date: '2026-08-21' });
    for (const name of OPENAI_SCHEMA_NAMES) expect(doc.$defs).toHaveProperty([name]);
  });

  it('passes a minimal chat completion', () => {
    expect(validateOpenAISchema('CreateChatCompletionResponse', chatCompletion)).toEqual({ valid: true, errors: [] });
    expect(() => expectOpenAISchema('CreateChatCompletionResponse', chatCompletion)).not.toThrow();
  });

  it('passes a chat completion that calls a tool', () => {
    const message = {
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
    };
    const choice = { index: 0, message, finish_reason: 'tool_calls', logprobs: null };
    expectOpenAISchema('CreateChatCompletionResponse', { ...chatCompletion, choices: [choice] });

    const badCall = { ...message, tool_calls: [{ id: 'call_1', type: 'tool', function: message.tool_calls[0].function }] };
    const bad = { ...chatCompletion, choices: [{ ...choice, message: badCall }] };
    expect(validateOpenAISchema('CreateChatCompletionResponse', bad).valid).toBe(false);
  });

  it('fails a chat completion with the wrong object or without choices', () => {
    const wrongObject = validateOpenAISchema('CreateChatCompletionResponse', { ...chatCompletion, object: 'wrong' });
    expect(wrongObject.valid).toBe(false);
    expect(wrongObject.errors.join('\n')).toMatch(/^\/object must be equal to one of the allowed values/m);

    const { choices: _omitted, ...noChoices } = chatCompletion;
    const missing = validateOpenAISchema('CreateChatCompletionResponse', noChoices);
    expect(missing.valid).toBe(false);
    expect(missing.errors.join('\n')).toContain("must have required property 'choices'");
  });

  it('fails a choice without the required nullable fields (refusal, logprobs)', () => {
    const choice = { index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' };
    const { errors } = validateOpenAISchema('CreateChatCompletionResponse', { ...chatCompletion, choices: [choice] });
    expect(errors.join('\n')).toContain("/choices/0 must have required property 'logprobs'");
    expect(errors.join('\n')).toContain("/choices/0/message must have required property 'refusal'");
  });

  it('throws from expectOpenAISchema with the errors and the offending value', () => {
    expect(() => expectOpenAISchema('CreateChatCompletionResponse', { ...chatCompletion, object: 'wrong' })).toThrow(
      /Expected a valid OpenAI CreateChatCompletionResponse, got 1 schema error\(s\):\n {2}- \/object must be equal[\s\S]*Value:\n[\s\S]*"object": "wrong"/,
    );
  });

  it('passes stream chunks, including null finish_reason/usage and the final usage chunk', () => {
    expectOpenAISchema(
      'CreateChatCompletionStreamResponse',
      chunk([{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }]),
    );
    expectOpenAISchema(
      'CreateChatCompletionStreamResponse',
      chunk([{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }], { usage: null }),
    );
    expectOpenAISchema('CreateChatCompletionStreamResponse', chunk([], { usage }));
    expect(
      validateOpenAISchema('CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: {}, finish_reason: 'done' }])).valid,
    ).toBe(false);
  });

  it('passes an error body, and fails one without param/code', () => {
    expectOpenAISchema('ErrorResponse', {
      error: { message: 'model not found', type: 'invalid_request_error', param: null, code: null },
    });
    const { errors } = validateOpenAISchema('ErrorResponse', { error: { message: 'x', type: 'server_error' } });
    expect(errors).toHaveLength(2);
  });

  it('passes a model list, a text completion and an embedding response', () => {
    expectOpenAISchema('ListModelsResponse', {
      object: 'list',
      data: [{ id: 'qwen2.5-7b-instruct', object: 'model', created: 1_700_000_000, owned_by: 'llama-tools-server' }],
    });
    expectOpenAISchema('CreateCompletionResponse', {
      id: 'cmpl-1',
      object: 'text_completion',
      created: 1_700_000_000,
      model: 'm',
      choices: [{ index: 0, text: 'Hi', finish_reason: 'stop', logprobs: null }],
    });
    expectOpenAISchema('CreateEmbeddingResponse', {
      object: 'list',
      model: 'm',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
  });

  it('checks a Responses stream event against the branch its type names', () => {
    const delta = { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'a' };
    expectOpenAISchema('ResponseStreamEvent', { ...delta, logprobs: [], sequence_number: 3 });
    expect(validateOpenAISchema('ResponseStreamEvent', { ...delta, sequence_number: 3 }).errors).toEqual([
      expect.stringContaining("must have required property 'logprobs'"),
    ]);
    expect(validateOpenAISchema('ResponseStreamEvent', { type: 'response.made_up', sequence_number: 0 })).toEqual({
      valid: false,
      errors: ['/type "response.made_up" is no ResponseStreamEvent type'],
    });
  });
});
