/**
 * Chat requests the benches send (OpenAI `POST /v1/chat/completions` bodies without `model`),
 * with bounded schemas so that constrained answers end well within `max_tokens`.
 */

export const WEATHER_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather in a city.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', enum: ['Paris', 'Oslo', 'Lima'] } },
        required: ['city'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      description: 'Local time in a time zone.',
      parameters: {
        type: 'object',
        properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } },
        required: ['zone'],
        additionalProperties: false,
      },
    },
  },
];

const ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    answer: { type: 'string', enum: ['yes', 'no', 'maybe'] },
    confidence: { type: 'integer', minimum: 0, maximum: 9 },
  },
  required: ['answer', 'confidence'],
  additionalProperties: false,
};

const SYSTEM = { role: 'system', content: 'You are a concise assistant.' };

/** One named chat request. */
export interface ChatCase {
  name: string;
  request: Record<string, unknown>;
}

/** The three non-streamed overhead cases: plain chat, tools (`tool_choice: required`), `json_schema`. */
export function overheadCases(maxTokens: number): ChatCase[] {
  return [
    {
      name: 'plain chat',
      request: {
        messages: [SYSTEM, { role: 'user', content: 'Say something about the sea.' }],
        max_tokens: maxTokens,
      },
    },
    {
      name: 'tools (required)',
      request: {
        messages: [SYSTEM, { role: 'user', content: 'What is the weather in Paris?' }],
        tools: WEATHER_TOOLS,
        tool_choice: 'required',
        max_tokens: maxTokens,
      },
    },
    {
      name: 'json_schema',
      request: {
        messages: [SYSTEM, { role: 'user', content: 'Is the sea blue? Answer as JSON.' }],
        response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: ANSWER_SCHEMA } },
        max_tokens: maxTokens,
      },
    },
  ];
}

/** A plain chat request (streaming and concurrency benches). */
export function plainChat(maxTokens: number, text = 'Tell me a long story about the sea.'): Record<string, unknown> {
  return { messages: [SYSTEM, { role: 'user', content: text }], max_tokens: maxTokens };
}
