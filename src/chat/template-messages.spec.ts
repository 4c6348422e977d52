import { ChatMessage } from '../openai/chat-completion.types';
import { ApiError } from '../errors/api-error';
import { toTemplateMessages, toTemplateTools, withSystemText, withToolCallIdLength } from './template-messages';

describe('request messages → template messages', () => {
  it('turns developer into system and joins text parts', () => {
    expect(
      toTemplateMessages([
        { role: 'developer', content: 'rules' },
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      ]),
    ).toEqual([
      { role: 'system', content: 'rules' },
      { role: 'user', content: 'a\nb' },
    ]);
  });

  it('parses tool-call arguments into objects and keeps ids', () => {
    const [assistant, tool] = toTemplateMessages([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
      },
      { role: 'tool', content: 'ok', tool_call_id: 'c1' },
    ]);
    expect(assistant).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: { x: 1 } } }],
    });
    expect(tool).toEqual({ role: 'tool', content: 'ok', tool_call_id: 'c1' });
  });

  it('gives a null assistant content without tool calls an empty string', () => {
    expect(toTemplateMessages([{ role: 'assistant', content: null }])).toEqual([
      { role: 'assistant', content: '' },
    ]);
  });

  it.each([
    [
      { role: 'user' as const, content: [{ type: 'image_url', image_url: { url: 'x' } }] },
      'messages[0].content[0].type',
    ],
    [
      {
        role: 'assistant' as const,
        tool_calls: [{ id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{' } }],
      },
      'messages[0].tool_calls[0].function.arguments',
    ],
    [
      {
        role: 'assistant' as const,
        tool_calls: [{ id: 'c', type: 'function' as const, function: { name: 'f', arguments: '[1]' } }],
      },
      'messages[0].tool_calls[0].function.arguments',
    ],
  ])('rejects %j naming %s', (message, param) => {
    expect(() => toTemplateMessages([message])).toThrow(
      expect.objectContaining({ param, status: 400 }) as unknown as ApiError,
    );
  });
});

describe('adding to the system prompt', () => {
  it('appends to a leading system message, or adds one', () => {
    expect(withSystemText([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], 'TOOLS')).toEqual([
      { role: 'system', content: 'Be brief.\n\nTOOLS' },
      { role: 'user', content: 'hi' },
    ]);
    expect(withSystemText([{ role: 'user', content: 'hi' }], 'TOOLS')).toEqual([
      { role: 'system', content: 'TOOLS' },
      { role: 'user', content: 'hi' },
    ]);
  });
});

describe('tool-call ids of a fixed length', () => {
  it('maps call ids and the results answering them onto the same 9 alphanumerics', () => {
    const [call, result, kept] = withToolCallIdLength(
      [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'f', arguments: {} } }],
        },
        { role: 'tool', content: 'ok', tool_call_id: 'call_abc' },
        { role: 'tool', content: 'ok', tool_call_id: 'A1b2C3d4E' },
      ],
      9,
    );
    const id = call.tool_calls?.[0].id;
    expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(result.tool_call_id).toBe(id);
    expect(kept.tool_call_id).toBe('A1b2C3d4E');
  });
});

describe('fields of other roles', () => {
  it('ignores tool_calls and tool_call_id where the schema does not check them', () => {
    const hostile = { role: 'developer', content: 'x', tool_calls: 'HkPv{J424', tool_call_id: -1 } as unknown as ChatMessage;
    expect(toTemplateMessages([hostile])).toEqual([{ role: 'system', content: 'x' }]);
  });
});

describe('tools handed to a template', () => {
  it('gets an empty description where the client sent none, and keeps the rest', () => {
    const described = { type: 'function' as const, function: { name: 'a', description: 'A.', parameters: {} } };
    const bare = { type: 'function' as const, function: { name: 'b', parameters: { type: 'object' } } };
    expect(toTemplateTools([described, bare])).toEqual([
      described,
      { type: 'function', function: { name: 'b', description: '', parameters: { type: 'object' } } },
    ]);
  });
});
