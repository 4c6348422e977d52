import { ApiError } from '../errors/api-error';
import { CHAT_COMPLETION_REQUEST_SCHEMA } from './chat-completion-request.schema';
import { ChatCompletionRequest } from './chat-completion.types';
import { compileRequestValidator } from './request-validator';

describe('chat completion request validation', () => {
  const validate = compileRequestValidator<ChatCompletionRequest>(CHAT_COMPLETION_REQUEST_SCHEMA);
  const user = { role: 'user', content: 'hi' };

  const rejection = (body: unknown): ApiError => {
    try {
      validate(body);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error('expected a rejection');
  };

  it('accepts an OpenAI request with llama.cpp extras and unknown fields', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
        user,
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '42' },
      ],
      temperature: 0.2,
      stop: ['\n'],
      top_k: 20,
      metadata: { anything: true },
    };
    expect(validate(body)).toBe(body);
  });

  it.each([
    [{}, 'missing_required_parameter', 'messages'],
    [{ messages: [] }, 'invalid_value', 'messages'],
    [{ messages: 'hi' }, 'invalid_type', 'messages'],
    [{ messages: [{ content: 'x' }] }, 'missing_required_parameter', 'messages[0].role'],
    [{ messages: [{ role: 'wizard', content: 'x' }] }, 'invalid_value', 'messages[0].role'],
    [{ messages: [{ role: 'user' }] }, 'missing_required_parameter', 'messages[0].content'],
    [{ messages: [{ role: 'user', content: 1 }] }, 'invalid_type', 'messages[0].content'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'missing_required_parameter', 'messages[0].tool_call_id'],
    [{ messages: [user], temperature: 3 }, 'invalid_value', 'temperature'],
    [{ messages: [user], temperature: 'hot' }, 'invalid_type', 'temperature'],
    [{ messages: [user], max_tokens: 1.5 }, 'invalid_type', 'max_tokens'],
    [{ messages: [user], max_tokens: 0 }, 'invalid_value', 'max_tokens'],
    [{ messages: [user], max_completion_tokens: 0 }, 'invalid_value', 'max_completion_tokens'],
    [{ messages: [user], stop: [1] }, 'invalid_type', 'stop[0]'],
    [{ messages: [user], logit_bias: { abc: 1 } }, 'invalid_value', 'logit_bias'],
    [[], 'invalid_type', null],
  ])('rejects %j as %s naming %s', (body, code, param) => {
    const error = rejection(body);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.param).toBe(param);
    if (param) expect(error.message).toContain(param);
  });
});

describe('choosing the error to report among anyOf branches', () => {
  const validate = compileRequestValidator<unknown>({
    type: 'object',
    properties: {
      input: {
        anyOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', minItems: 1, items: { type: 'string' } },
        ],
      },
    },
  });
  const codeOf = (body: unknown) => {
    try {
      validate(body);
    } catch (error) {
      return [(error as ApiError).code, (error as ApiError).param];
    }
    return undefined;
  };

  it('reports the violated constraint of the branch whose type matched', () => {
    expect(codeOf({ input: '' })).toEqual(['invalid_value', 'input']);
    expect(codeOf({ input: [] })).toEqual(['invalid_value', 'input']);
  });

  it('reports a type mismatch when no branch matched, naming the deepest field', () => {
    expect(codeOf({ input: 5 })).toEqual(['invalid_type', 'input']);
    expect(codeOf({ input: ['a', 1] })).toEqual(['invalid_type', 'input[1]']);
  });
});
