import { ApiError } from '../errors/api-error';
import { checkBodyShape } from './body-shape';

describe('checkBodyShape', () => {
  const nested = (depth: number) => {
    let value: unknown = 'leaf';
    for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { a: value };
    return value;
  };

  it('accepts ordinary bodies and nesting up to the limit', () => {
    expect(() => checkBodyShape({ messages: [{ role: 'user', content: 'hé 😀' }], n: 1, x: null })).not.toThrow();
    expect(() => checkBodyShape(nested(10), 10)).not.toThrow();
  });

  it('refuses deeper nesting with 400, naming where, without recursing', () => {
    const error = captured(() => checkBodyShape({ schema: nested(200_000) }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(error.param).toMatch(/^schema\[0\]\.a\[0\]/);
    expect(captured(() => checkBodyShape(nested(11), 10)).message).toMatch(/deeper than 10 levels/);
  });

  it('refuses lone surrogates in values and keys, naming the field', () => {
    expect(captured(() => checkBodyShape({ messages: [{ content: 'x\ud800y' }] }))).toMatchObject({
      code: 'invalid_value',
      param: 'messages[0].content',
    });
    expect(captured(() => checkBodyShape({ tools: { 'a\udfff': 1 } })).param).toBe('tools.a\udfff');
    expect(captured(() => checkBodyShape('\ud83d')).param).toBeNull();
  });
});

function captured(action: () => void): ApiError {
  try {
    action();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('nothing was thrown');
}
