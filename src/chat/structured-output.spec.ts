import { ApiError } from '../errors/api-error';
import { ChatCompletionRequest } from '../openai/chat-completion.types';
import { StructuredOutputService, StructuredOutputViolation } from './structured-output';

describe('StructuredOutputService', () => {
  const service = new StructuredOutputService();
  const request = (extra: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });
  const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };

  it('asks for nothing with text or no response_format', () => {
    expect(service.constraintFor(request({}))).toBeUndefined();
    expect(service.constraintFor(request({ response_format: { type: 'text' } }))).toBeUndefined();
  });

  it('json_object: any JSON object', () => {
    const constraint = service.constraintFor(request({ response_format: { type: 'json_object' } }))!;
    expect(constraint.grammar).toMatch(/^root ::= object$/m);
    expect(constraint.schema).toEqual({ type: 'object' });
  });

  it("json_schema: the schema's grammar; strict makes additionalProperties default to false", () => {
    const lax = service.constraintFor(request({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }))!;
    const strict = service.constraintFor(
      request({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } } }),
    )!;
    expect(lax.schema).toBe(schema);
    expect(lax.grammar).toContain('additional');
    expect(strict.grammar).not.toContain('additional');
  });

  it("llama.cpp's json_schema and grammar fields, and json_object with a schema", () => {
    expect(service.constraintFor(request({ json_schema: schema }))!.schema).toBe(schema);
    expect(service.constraintFor(request({ grammar: 'root ::= "x"' }))).toEqual({ grammar: 'root ::= "x"' });
    expect(service.constraintFor(request({ response_format: { type: 'json_object', schema } }))!.schema).toBe(schema);
  });

  it('maps refusals and invalid schemas to 400 ApiErrors naming the parameter', () => {
    const refused = () =>
      service.constraintFor(
        request({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'array', items: { type: 'integer' }, uniqueItems: true } } } }),
      );
    expect(refused).toThrow(ApiError);
    try {
      refused();
    } catch (error) {
      expect(error).toMatchObject({ code: 'unsupported_schema', param: 'response_format.json_schema.schema', status: 400 });
      expect((error as Error).message).toContain("'uniqueItems' at ''");
    }
    try {
      service.constraintFor(request({ json_schema: { type: 'strng' } }));
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_schema', param: 'json_schema', status: 400 });
    }
    expect.assertions(4);
  });

  it('refuses grammar combined with a JSON response format', () => {
    expect(() => service.constraintFor(request({ grammar: 'root ::= "x"', response_format: { type: 'json_object' } }))).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'grammar' }),
    );
  });

  it('validates finished content, and treats a violation as a server bug', () => {
    const constraint = service.constraintFor(request({ json_schema: schema }))!;
    expect(() => service.validate(constraint, '{"a":1}')).not.toThrow();
    expect(() => service.validate(constraint, '{"a":"x"}')).toThrow(StructuredOutputViolation);
    expect(() => service.validate({ grammar: 'root ::= "x"' }, 'anything')).not.toThrow();
  });
});
