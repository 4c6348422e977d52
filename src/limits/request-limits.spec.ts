import { ApiError } from '../errors/api-error';
import {
  checkRequestLimits,
  checkResponseRequestLimits,
  DEFAULT_REQUEST_LIMITS,
  LimitedResponseRequest,
  RequestLimits,
  requestLimitsOf,
} from './request-limits';

describe('checkRequestLimits', () => {
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, maxTokens: 100, maxMessages: 2, maxTools: 1, maxSchemaBytes: 64 };
  const user = { role: 'user', content: 'hi' };
  const refusal = (request: object): ApiError => {
    try {
      checkRequestLimits(request, limits);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error('no limit was exceeded');
  };

  it('passes a request within every limit', () => {
    expect(() =>
      checkRequestLimits(
        {
          messages: [user, user],
          max_tokens: 100,
          tools: [{ function: { parameters: { type: 'object' } } }],
          response_format: { json_schema: { schema: { type: 'string' } } },
        },
        limits,
      ),
    ).not.toThrow();
  });

  it('names max_tokens or max_completion_tokens above the cap', () => {
    for (const param of ['max_tokens', 'max_completion_tokens']) {
      const error = refusal({ messages: [user], [param]: 101 });
      expect(error).toMatchObject({ status: 400, code: 'integer_above_max_value', param });
      expect(error.message).toMatch(/101 is above this server's limit of 100 tokens/);
    }
  });

  it('refuses too many messages or tools, as OpenAI words it', () => {
    expect(refusal({ messages: [user, user, user] })).toMatchObject({
      status: 400,
      code: 'array_above_max_length',
      param: 'messages',
      message: expect.stringMatching(/maximum length 2, but got an array with length 3/),
    });
    expect(refusal({ messages: [user], tools: [{}, {}] })).toMatchObject({ code: 'array_above_max_length', param: 'tools' });
  });

  it('names the schema that is too large', () => {
    const big = { type: 'object', description: 'x'.repeat(100) };
    expect(refusal({ messages: [user], tools: [{ function: { parameters: big } }] })).toMatchObject({
      status: 400,
      code: 'schema_above_max_size',
      param: 'tools[0].function.parameters',
    });
    expect(refusal({ messages: [user], response_format: { json_schema: { schema: big } } }).param).toBe(
      'response_format.json_schema.schema',
    );
    expect(refusal({ messages: [user], json_schema: big }).param).toBe('json_schema');
  });

  it('refuses a schema nested too deeply to measure instead of crashing', () => {
    let deep: object = {};
    for (let i = 0; i < 200_000; i++) deep = { items: deep };
    expect(refusal({ messages: [user], json_schema: deep })).toMatchObject({
      code: 'schema_above_max_size',
      message: expect.stringMatching(/nested too deeply/),
    });
  });

  it('fills unset limits with the defaults', () => {
    expect(requestLimitsOf({ limits: { maxTools: 3 } })).toEqual({ ...DEFAULT_REQUEST_LIMITS, maxTools: 3 });
    expect(requestLimitsOf({})).toEqual(DEFAULT_REQUEST_LIMITS);
  });
});

describe('checkResponseRequestLimits', () => {
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, maxTokens: 100, maxMessages: 2, maxTools: 1, maxSchemaBytes: 64 };
  const big = { type: 'object', description: 'x'.repeat(100) };
  const check = (request: LimitedResponseRequest) => () => checkResponseRequestLimits(request, limits);

  it('passes a request within every limit, a string input included', () => {
    expect(check({ input: 'x'.repeat(1000), max_output_tokens: 100, tools: [{ parameters: { type: 'object' } }] })).not.toThrow();
  });

  it.each<[LimitedResponseRequest, string, string]>([
    [{ input: 'x', max_output_tokens: 101 }, 'integer_above_max_value', 'max_output_tokens'],
    [{ input: [{}, {}, {}] }, 'array_above_max_length', 'input'],
    [{ input: 'x', tools: [{}, {}] }, 'array_above_max_length', 'tools'],
    [{ input: 'x', tools: [{ parameters: big }] }, 'schema_above_max_size', 'tools[0].parameters'],
    [{ input: 'x', text: { format: { type: 'json_schema', schema: big } } }, 'schema_above_max_size', 'text.format.schema'],
  ])('refuses %j with %s naming %s', (request, code, param) => {
    expect(check(request)).toThrow(expect.objectContaining({ status: 400, code, param }) as unknown as ApiError);
  });
});
