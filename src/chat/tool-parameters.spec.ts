import { ApiError } from '../errors/api-error';
import { JsonValidator } from '../grammar/json-validator';
import { NO_PARAMETERS, toArgumentsSchema } from './tool-parameters';

describe('function parameters as the schema of call arguments', () => {
  const param = 'tools[0].function.parameters';

  it.each([[undefined], [{}]])('reads %j as no parameters: arguments {} only', (parameters) => {
    expect(toArgumentsSchema(parameters, param)).toBe(NO_PARAMETERS);
  });

  it('keeps an object schema as it is', () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    expect(toArgumentsSchema(parameters, param)).toBe(parameters);
  });

  it.each([
    [{ properties: { n: { type: 'integer' } } }, { properties: { n: { type: 'integer' } }, type: 'object' }],
    [{ type: ['object', 'null'], properties: {} }, { type: 'object', properties: {} }],
    [
      { $ref: '#/$defs/A', $defs: { A: { type: 'object' } } },
      { $ref: '#/$defs/A', $defs: { A: { type: 'object' } }, type: 'object' },
    ],
  ])('narrows %j to objects', (parameters, expected) => {
    expect(toArgumentsSchema(parameters, param)).toEqual(expected);
  });

  it('accepts exactly the objects the schema accepts', () => {
    const schema = toArgumentsSchema({ properties: { n: { type: 'integer' } } }, param);
    const validator = new JsonValidator();
    const valid = (value: unknown) => validator.errorsOf(schema, value) === undefined;
    expect([{}, { n: 1 }, { n: 'x' }, 'x', 3, null, []].map(valid)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it.each([[{ type: 'string' }], [{ type: ['array', 'null'] }]])('refuses %j with 400', (parameters) => {
    expect(() => toArgumentsSchema(parameters, param)).toThrow(
      expect.objectContaining({ param, status: 400, code: 'invalid_value' }) as unknown as ApiError,
    );
  });
});
