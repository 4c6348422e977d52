import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { ApiError } from '../errors/api-error';
import { checkBodyShape } from './body-shape';

const ajv = new Ajv2020({ discriminator: true, allErrors: false, strict: true });

/**
 * Compiles a request schema once and returns a checker that throws the first violation as an
 * `ApiError` (400) whose `param` names the field in OpenAI's style (`messages[0].role`). The body's
 * nesting depth and string well-formedness are checked first (`checkBodyShape`).
 *
 * @throws ApiError `missing_required_parameter`, `invalid_type`, `invalid_value` or `invalid_request`
 */
export function compileRequestValidator<T>(schema: object): (body: unknown) => T {
  const validate: ValidateFunction = ajv.compile(schema);
  return (body: unknown): T => {
    checkBodyShape(body);
    if (validate(body)) return body as T;
    throw toApiError(mostSpecific(validate.errors ?? []));
  };
}

/**
 * Prefers the error deepest in the instance (a discriminator branch's own error over its parent's);
 * at the same depth, a violated constraint (`minItems`, `minLength`, …) over a type mismatch or an
 * `anyOf` summary, since it comes from the branch whose type matched.
 */
function mostSpecific(errors: ErrorObject[]): ErrorObject {
  const score = (error: ErrorObject) =>
    error.instancePath.length * 2 + (error.keyword === 'type' || error.keyword === 'anyOf' ? 0 : 1);
  return errors.reduce((best, error) => (score(error) > score(best) ? error : best));
}

function toApiError(error: ErrorObject): ApiError {
  const path = paramPath(error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const param = joinParam(path, String(error.params.missingProperty));
      return new ApiError('missing_required_parameter', `Missing required parameter: '${param}'.`, param);
    }
    case 'type':
      return new ApiError(
        'invalid_type',
        `Invalid type for '${path || 'body'}': expected ${String(error.params.type)}.`,
        path || null,
      );
    case 'discriminator':
      return new ApiError(
        'invalid_value',
        `Invalid value for '${joinParam(path, 'role')}': expected one of 'system', 'developer', 'user', 'assistant', 'tool'.`,
        joinParam(path, 'role'),
      );
    default:
      return new ApiError(
        'invalid_value',
        `Invalid value for '${path || 'body'}': ${error.message ?? 'not allowed'}.`,
        path || null,
      );
  }
}

/** `/messages/0/content` → `messages[0].content`. */
function paramPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : joinParam(acc, part)), '');
}

function joinParam(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
