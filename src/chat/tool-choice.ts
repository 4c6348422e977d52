import { ApiError } from '../errors/api-error';
import { ChatCompletionRequest } from '../openai/chat-completion.types';
import { ToolChoice, ToolSpec } from '../tool-formats/tool-format';
import { toArgumentsSchema } from './tool-parameters';

/** The tool part of a chat request, normalised (per OpenAI Chat Completions `tools`, `tool_choice`). */
export interface ToolRequest {
  tools: ToolSpec[];
  choice: ToolChoice;
  /** `parallel_tool_calls` (OpenAI default true): 1…n calls, or exactly one. */
  parallel: boolean;
}

/**
 * Normalises `tools`, `tool_choice` and `parallel_tool_calls`. Without tools the result is
 * `undefined` (plain chat); `tool_choice` defaults to `auto` with tools, as OpenAI does.
 *
 * Each tool's `parameters` become the schema of its arguments ({@link toArgumentsSchema}).
 *
 * @throws ApiError 400 for function parameters that admit no object, duplicate tool names,
 *   `tool_choice` without tools (other than `none`), a named function that is not among the tools,
 *   or a `tool_choice` form this service does not support (never silently downgraded)
 */
export function toToolRequest(request: ChatCompletionRequest): ToolRequest | undefined {
  const tools: ToolSpec[] = (request.tools ?? []).map((tool, index) => ({
    name: tool.function.name,
    ...(tool.function.description !== undefined ? { description: tool.function.description } : {}),
    parameters: toArgumentsSchema(tool.function.parameters, `tools[${index}].function.parameters`),
    ...(tool.function.strict === true ? { strict: true } : {}),
  }));
  const names = new Set<string>();
  tools.forEach((tool, index) => {
    if (names.has(tool.name)) {
      throw new ApiError('invalid_value', `Duplicate tool name '${tool.name}'.`, `tools[${index}].function.name`);
    }
    names.add(tool.name);
  });
  const choice = toToolChoice(request.tool_choice, names);
  if (tools.length === 0) {
    if (choice.mode === 'auto' || choice.mode === 'none') return undefined;
    throw new ApiError('invalid_value', `'tool_choice' ${choice.mode} needs 'tools'.`, 'tool_choice');
  }
  return { tools, choice, parallel: request.parallel_tool_calls ?? true };
}

function toToolChoice(value: unknown, names: Set<string>): ToolChoice {
  if (value === undefined || value === null || value === 'auto') return { mode: 'auto' };
  if (value === 'none') return { mode: 'none' };
  if (value === 'required') return { mode: 'required' };
  const named = value as { type?: unknown; function?: { name?: unknown } };
  if (named.type === 'function' && typeof named.function?.name === 'string') {
    if (!names.has(named.function.name)) {
      throw new ApiError(
        'invalid_value',
        `'tool_choice' names function '${named.function.name}', which is not among 'tools'.`,
        'tool_choice.function.name',
      );
    }
    return { mode: 'named', name: named.function.name };
  }
  throw new ApiError(
    'unsupported_value',
    "'tool_choice' must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.",
    'tool_choice',
  );
}
