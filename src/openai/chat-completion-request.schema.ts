/**
 * JSON Schema (2020-12, for ajv) of the Chat Completions request this service accepts: the fields
 * of OpenAI's `CreateChatCompletionRequest` it understands, with OpenAI's ranges, plus llama.cpp's
 * sampling extras under their own names (per llama.cpp tools/server/README.md). Unknown fields are
 * ignored, as llama-server and vLLM do.
 */
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

const textContent = {
  anyOf: [
    { type: 'string' },
    {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string' }, text: { type: 'string' } },
      },
    },
  ],
};

const toolCall = {
  type: 'object',
  required: ['id', 'type', 'function'],
  properties: {
    id: { type: 'string' },
    type: { const: 'function' },
    function: {
      type: 'object',
      required: ['name', 'arguments'],
      properties: { name: { type: 'string' }, arguments: { type: 'string' } },
    },
  },
};

const message = (role: string, extra: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  required: ['role', ...required],
  properties: { role: { const: role }, name: { type: 'string' }, ...extra },
});

/**
 * `response_format` (OpenAI `ResponseFormatText` | `ResponseFormatJSONObject` |
 * `ResponseFormatJSONSchema`); llama.cpp also reads a `schema` beside `json_object`. The schemas
 * themselves are checked later, by ajv and the grammar converter.
 */
/** A JSON Schema (object or boolean) as a request value. */
const jsonSchemaValue = { anyOf: [{ type: 'object' }, { type: 'boolean' }] };

const responseFormat = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['text', 'json_object', 'json_schema'] },
    schema: jsonSchemaValue,
    json_schema: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        description: { type: 'string' },
        schema: jsonSchemaValue,
        strict: nullable({ type: 'boolean' }),
      },
    },
  },
  if: { properties: { type: { const: 'json_schema' } } },
  then: { required: ['json_schema'], properties: { json_schema: { type: 'object' } } },
};

/**
 * Sampling fields OpenAI's Chat Completions and (legacy) Completions requests share, with OpenAI's
 * ranges (`max_tokens` at least 1, as OpenAI and vLLM have it: llama-server would still generate one
 * token for `n_predict: 0`; `temperature`, `top_p`, `n`, `stop`, `seed`, penalties, `logit_bias`,
 * `stream`, `stream_options`).
 */
export const OPENAI_SAMPLING_PROPERTIES = {
  max_tokens: nullable({ type: 'integer', minimum: 1 }),
  temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
  top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
  n: nullable({ type: 'integer', minimum: 1, maximum: 128 }),
  stop: nullable({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }),
  seed: nullable({ type: 'integer' }),
  presence_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  frequency_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  logit_bias: nullable({
    type: 'object',
    propertyNames: { pattern: '^[0-9]+$' },
    additionalProperties: { type: 'number', minimum: -100, maximum: 100 },
  }),
  stream: nullable({ type: 'boolean' }),
  stream_options: nullable({
    type: 'object',
    properties: { include_usage: { type: 'boolean' } },
  }),
} as const;

/** llama.cpp's output constraints: raw GBNF `grammar`, or a `json_schema` the output must satisfy. */
export const LLAMA_CPP_OUTPUT_PROPERTIES = {
  grammar: { type: 'string' },
  json_schema: jsonSchemaValue,
} as const;

/** llama.cpp's sampling extras (tools/server/README.md, "POST /completion"), under their own names. */
export const LLAMA_CPP_SAMPLING_PROPERTIES = {
  top_k: { type: 'integer' },
  min_p: { type: 'number' },
  typical_p: { type: 'number' },
  repeat_penalty: { type: 'number' },
  repeat_last_n: { type: 'integer' },
  dynatemp_range: { type: 'number' },
  dynatemp_exponent: { type: 'number' },
  mirostat: { enum: [0, 1, 2] },
  mirostat_tau: { type: 'number' },
  mirostat_eta: { type: 'number' },
  dry_multiplier: { type: 'number' },
  dry_base: { type: 'number' },
  dry_allowed_length: { type: 'integer' },
  dry_penalty_last_n: { type: 'integer' },
  dry_sequence_breakers: { type: 'array', items: { type: 'string' } },
  xtc_probability: { type: 'number' },
  xtc_threshold: { type: 'number' },
  min_keep: { type: 'integer' },
  n_keep: { type: 'integer' },
  ignore_eos: { type: 'boolean' },
  samplers: { type: 'array', items: { type: 'string' } },
  t_max_predict_ms: { type: 'integer' },
} as const;

export const CHAT_COMPLETION_REQUEST_SCHEMA = {
  type: 'object',
  required: ['messages'],
  properties: {
    model: { type: 'string' },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role'],
        properties: { role: { type: 'string' } },
        discriminator: { propertyName: 'role' },
        oneOf: [
          message('system', { content: textContent }, ['content']),
          message('developer', { content: textContent }, ['content']),
          message('user', { content: textContent }, ['content']),
          message(
            'assistant',
            { content: nullable(textContent), tool_calls: { type: 'array', items: toolCall } },
            [],
          ),
          message('tool', { content: textContent, tool_call_id: { type: 'string' } }, [
            'content',
            'tool_call_id',
          ]),
        ],
      },
    },
    max_completion_tokens: nullable({ type: 'integer', minimum: 1 }),
    ...OPENAI_SAMPLING_PROPERTIES,
    tools: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'function'],
        properties: {
          type: { const: 'function' },
          function: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
              description: { type: 'string' },
              parameters: { type: 'object' },
              strict: nullable({ type: 'boolean' }),
            },
          },
        },
      },
    },
    parallel_tool_calls: { type: 'boolean' },
    response_format: nullable(responseFormat),
    ...LLAMA_CPP_OUTPUT_PROPERTIES,
    logprobs: nullable({ type: 'boolean' }),
    top_logprobs: nullable({ type: 'integer', minimum: 0, maximum: 20 }),
    user: { type: 'string' },
    chat_template_kwargs: { type: 'object' },
    ...LLAMA_CPP_SAMPLING_PROPERTIES,
  },
} as const;

/** llama.cpp sampling parameters passed through to `/completion` under their own names. */
export const LLAMA_CPP_SAMPLING_EXTRAS = Object.keys(LLAMA_CPP_SAMPLING_PROPERTIES);
