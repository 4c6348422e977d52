import { LLAMA_CPP_SAMPLING_PROPERTIES, OPENAI_SAMPLING_PROPERTIES } from './chat-completion-request.schema';

/**
 * JSON Schema (2020-12, for ajv) of the Responses request this service accepts: the fields of
 * OpenAI's `CreateResponse` it understands, with OpenAI's ranges, plus the Chat Completions sampling
 * fields Responses lacks (`seed`, `stop`, penalties, `logit_bias`) and llama.cpp's sampling extras
 * under their own names. Unknown fields are ignored, as llama-server and vLLM do.
 * What the shapes allow but this service cannot do (hosted tools, images, stored conversations) is
 * refused later, by `toChatRequest`, with a message saying so.
 */
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

const parts = {
  type: 'array',
  items: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, text: { type: 'string' } } },
};
const textOrParts = { anyOf: [{ type: 'string' }, parts] };

const itemOfType = (type: string) => ({ required: ['type'], properties: { type: { const: type } } });

/** `InputItem`: a message (`type` may be left out), a function call or its output, a reference. */
const inputItem = {
  type: 'object',
  properties: {
    type: { enum: ['message', 'function_call', 'function_call_output', 'item_reference', 'reasoning'] },
  },
  allOf: [
    {
      // without `type`, `properties` holds vacuously: an item without one is a message
      if: { properties: { type: { const: 'message' } } },
      then: {
        required: ['role', 'content'],
        properties: { role: { enum: ['user', 'assistant', 'system', 'developer'] }, content: textOrParts },
      },
    },
    {
      if: itemOfType('function_call'),
      then: {
        required: ['call_id', 'name', 'arguments'],
        properties: { call_id: { type: 'string' }, name: { type: 'string' }, arguments: { type: 'string' } },
      },
    },
    {
      if: itemOfType('function_call_output'),
      then: { required: ['call_id', 'output'], properties: { call_id: { type: 'string' }, output: textOrParts } },
    },
    { if: itemOfType('item_reference'), then: { required: ['id'], properties: { id: { type: 'string' } } } },
  ],
};

/** `TextResponseFormatConfiguration`; the schema itself is checked later, by ajv and the converter. */
const textFormat = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['text', 'json_object', 'json_schema'] } },
  if: { properties: { type: { const: 'json_schema' } } },
  then: {
    required: ['name', 'schema'],
    properties: {
      name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
      description: { type: 'string' },
      schema: { anyOf: [{ type: 'object' }, { type: 'boolean' }] },
      strict: nullable({ type: 'boolean' }),
    },
  },
};

export const RESPONSE_REQUEST_SCHEMA = {
  type: 'object',
  required: ['input'],
  properties: {
    model: { type: 'string' },
    input: { anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: inputItem }] },
    instructions: nullable({ type: 'string' }),
    tools: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string' } },
        if: { properties: { type: { const: 'function' } } },
        then: {
          required: ['name'],
          properties: {
            name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
            description: nullable({ type: 'string' }),
            parameters: nullable({ type: 'object' }),
            strict: nullable({ type: 'boolean' }),
          },
        },
      },
    },
    tool_choice: {
      anyOf: [
        { enum: ['none', 'auto', 'required'] },
        { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
      ],
    },
    parallel_tool_calls: nullable({ type: 'boolean' }),
    text: nullable({ type: 'object', properties: { format: textFormat } }),
    max_output_tokens: nullable({ type: 'integer', minimum: 1 }),
    temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
    top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
    top_logprobs: nullable({ type: 'integer', minimum: 0, maximum: 20 }),
    stream: nullable({ type: 'boolean' }),
    store: nullable({ type: 'boolean' }),
    background: nullable({ type: 'boolean' }),
    previous_response_id: nullable({ type: 'string' }),
    include: nullable({ type: 'array', items: { type: 'string' } }),
    metadata: nullable({ type: 'object', additionalProperties: { type: 'string' } }),
    user: nullable({ type: 'string' }),
    truncation: nullable({ enum: ['auto', 'disabled'] }),
    reasoning: nullable({ type: 'object' }),
    seed: OPENAI_SAMPLING_PROPERTIES.seed,
    stop: OPENAI_SAMPLING_PROPERTIES.stop,
    presence_penalty: OPENAI_SAMPLING_PROPERTIES.presence_penalty,
    frequency_penalty: OPENAI_SAMPLING_PROPERTIES.frequency_penalty,
    logit_bias: OPENAI_SAMPLING_PROPERTIES.logit_bias,
    chat_template_kwargs: { type: 'object' },
    ...LLAMA_CPP_SAMPLING_PROPERTIES,
  },
} as const;

/**
 * The fields of a Responses request that mean the same in a Chat Completions request, passed on as
 * they are; nothing else is (unknown fields are not validated, so they must not reach the chat path).
 */
export const FIELDS_SHARED_WITH_CHAT: ReadonlySet<string> = new Set([
  'model',
  'temperature',
  'top_p',
  'stream',
  'parallel_tool_calls',
  'seed',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'chat_template_kwargs',
  ...Object.keys(LLAMA_CPP_SAMPLING_PROPERTIES),
]);
