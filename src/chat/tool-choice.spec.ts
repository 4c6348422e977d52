import { ApiError } from '../errors/api-error';
import { ChatCompletionRequest, ToolDefinition } from '../openai/chat-completion.types';
import { toToolRequest } from './tool-choice';
import { NO_PARAMETERS } from './tool-parameters';

describe('tools and tool_choice', () => {
  const messages = [{ role: 'user' as const, content: 'hi' }];
  const tool = (name: string, parameters?: Record<string, unknown>): ToolDefinition => ({
    type: 'function',
    function: { name, ...(parameters ? { parameters } : {}) },
  });
  const request = (extra: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({ messages, ...extra });

  it('is plain chat without tools', () => {
    expect(toToolRequest(request({}))).toBeUndefined();
    expect(toToolRequest(request({ tools: [], tool_choice: 'none' }))).toBeUndefined();
  });

  it('defaults to auto and parallel calls, and parameters to none', () => {
    expect(toToolRequest(request({ tools: [tool('f')] }))).toEqual({
      tools: [{ name: 'f', parameters: NO_PARAMETERS }],
      choice: { mode: 'auto' },
      parallel: true,
    });
  });

  it.each([
    ['none', { mode: 'none' }],
    ['required', { mode: 'required' }],
    [{ type: 'function', function: { name: 'g' } }, { mode: 'named', name: 'g' }],
  ])('reads tool_choice %j', (toolChoice, expected) => {
    const result = toToolRequest(
      request({ tools: [tool('f'), tool('g', { type: 'object' })], tool_choice: toolChoice, parallel_tool_calls: false }),
    );
    expect(result?.choice).toEqual(expected);
    expect(result?.parallel).toBe(false);
  });

  it.each([
    [{ tools: [tool('f')], tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice.function.name'],
    [{ tools: [tool('f')], tool_choice: 'sometimes' }, 'tool_choice'],
    [{ tools: [tool('f')], tool_choice: { type: 'allowed_tools' } }, 'tool_choice'],
    [{ tool_choice: 'required' }, 'tool_choice'],
    [{ tools: [tool('f'), tool('f')] }, 'tools[1].function.name'],
    [{ tools: [tool('f'), tool('g', { type: 'string' })] }, 'tools[1].function.parameters'],
  ])('refuses %j naming %s', (extra, param) => {
    expect(() => toToolRequest(request(extra as Partial<ChatCompletionRequest>))).toThrow(
      expect.objectContaining({ param, status: 400 }) as unknown as ApiError,
    );
  });
});
