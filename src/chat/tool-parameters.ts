import { ApiError } from '../errors/api-error';

/**
 * The arguments schema of a function without parameters: only `{}`. Per OpenAI Chat Completions
 * `FunctionParameters`, "omitting `parameters` defines a function with an empty parameter list".
 */
export const NO_PARAMETERS: Readonly<Record<string, unknown>> = Object.freeze({
  type: 'object',
  properties: {},
  additionalProperties: false,
});

/**
 * A tool's `parameters` as the JSON Schema its call arguments follow. The arguments are always a
 * JSON object (OpenAI `FunctionParameters` is "a JSON Schema object" of the parameters; the clients'
 * tool runners pass the parsed arguments on as named parameters), so:
 * - absent or `{}` parameters mean no parameters ({@link NO_PARAMETERS}), as llama.cpp's
 *   `common_chat_tool_parameters` reads both (common/chat.cpp);
 * - a schema without a root `type` gets `type: "object"` beside its other keywords, and a root
 *   `type` list is narrowed to `"object"`, which JSON Schema's keywords, all applying at once, make
 *   the intersection of the schema with objects.
 *
 * @param parameters `tools[i].function.parameters` as the client sent it
 * @param param the request path named in an error, e.g. `tools[2].function.parameters`
 * @throws ApiError `invalid_value` (400) when the root `type` admits no object
 */
export function toArgumentsSchema(
  parameters: Record<string, unknown> | undefined,
  param: string,
): Record<string, unknown> {
  if (parameters === undefined || Object.keys(parameters).length === 0) return NO_PARAMETERS;
  const { type } = parameters;
  if (type === 'object') return parameters;
  if (type === undefined || (Array.isArray(type) && type.includes('object'))) return { ...parameters, type: 'object' };
  throw new ApiError(
    'invalid_value',
    `Function parameters must be a JSON Schema of 'type: "object"' (the arguments are a JSON object), ` +
      `got 'type: ${JSON.stringify(type)}'.`,
    param,
  );
}
