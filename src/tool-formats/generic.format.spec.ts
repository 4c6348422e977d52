import { genericFormat } from './generic.format';
import { ToolSpec } from './tool-format';

const TOOLS: ToolSpec[] = [
  {
    name: 'get_weather',
    description: 'Get the current weather.',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name.' },
        unit: { enum: ['celsius', 'fahrenheit'] },
        days: { type: 'array', items: { type: ['integer', 'null'] } },
        options: {
          type: 'object',
          properties: { detail: { type: 'boolean' }, source: { anyOf: [{ type: 'string' }, { const: 7 }] } },
          required: ['detail'],
        },
      },
      required: ['city'],
    },
  },
  { name: 'now', parameters: {} },
];

const ANSWER_FORMS =
  'Answer with one JSON object and nothing else, in one of these two forms:\n' +
  '- to call tools, with arguments %s: {"tool_calls": [{"name": "<tool name>", "arguments": {<arguments>}}]}\n' +
  '- to reply to the user directly: {"response": "<your reply>"}\n';

describe('generic format system prompt', () => {
  it('describes tools as JSON Schema from templates/generic-tools-json-schema.njk', () => {
    expect(genericFormat.systemPrompt?.(TOOLS, 'json-schema')).toBe(
      'You can call the following tools. Each one is given with its name, what it does, and the JSON Schema of its arguments.\n\n' +
        '- Name: get_weather\n' +
        '  Description: Get the current weather.\n' +
        `  Arguments (JSON Schema): ${JSON.stringify(TOOLS[0].parameters)}\n` +
        '- Name: now\n' +
        '  Arguments (JSON Schema): {}\n\n' +
        ANSWER_FORMS.replace('%s', 'that follow their schema'),
    );
  });

  it('describes tools as TypeScript signatures from templates/generic-tools-typescript.njk', () => {
    expect(genericFormat.systemPrompt?.(TOOLS, 'typescript')).toBe(
      'You can call the following tools, given as TypeScript function types; each takes one object of named arguments.\n\n' +
        '// Supported function definitions that should be called when necessary.\n' +
        'namespace functions {\n\n' +
        '// Get the current weather.\n' +
        'type get_weather = (_: {\n' +
        '  // City name.\n' +
        '  city: string,\n' +
        '  unit?: "celsius" | "fahrenheit",\n' +
        '  days?: (number | null)[],\n' +
        '  options?: {\n' +
        '    detail: boolean,\n' +
        '    source?: string | 7,\n' +
        '  },\n' +
        '}) => any;\n\n' +
        'type now = () => any;\n\n' +
        '} // namespace functions\n\n' +
        ANSWER_FORMS.replace('%s', 'of the types above'),
    );
  });
});

describe('generic format parser', () => {
  it('streams a response without ever splitting an escape or a surrogate pair', () => {
    const text = '{"response": "a\\u00e9\\ud83d\\ude00\\"\\\\n"}';
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    for (let end = 0; end <= text.length; end++) {
      const { content } = genericFormat.parse(text.slice(0, end), false);
      expect(content).not.toMatch(lone);
      expect('aé😀"\\n'.startsWith(content)).toBe(true);
    }
  });

  it('treats JSON that is not an envelope as content', () => {
    expect(genericFormat.parse('{"answer": 42}', true).content).toBe('{"answer": 42}');
    expect(genericFormat.parse('{"response": 42}', true).content).toBe('{"response": 42}');
    expect(genericFormat.parse('[1, 2]', false).content).toBe('[1, 2]');
  });

  it('reports a tool_calls envelope without a call array as cut off', () => {
    expect(genericFormat.parse('{"tool_calls": {', true)).toEqual({
      content: '',
      reasoning: '',
      toolCalls: [],
      truncatedCall: true,
    });
  });
});
