import { ApiError } from '../errors/api-error';
import { ChatMessage, ContentPart, ToolDefinition } from '../openai/chat-completion.types';
import { toolCallIdOfLength } from './tool-call-ids';

/**
 * A message as chat templates expect it (Hugging Face `apply_chat_template` conventions): string
 * content, tool-call `arguments` as an object.
 */
export interface TemplateMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  name?: string;
  tool_calls?: Array<{
    id: string;
    type: 'function';
    function: { name: string; arguments: unknown };
  }>;
  tool_call_id?: string;
}

/**
 * Normalises OpenAI request messages for chat templates: `developer` becomes `system`; text content
 * parts are joined with "\n" (as vLLM does); assistant tool-call `arguments` JSON strings become
 * objects; a null assistant content without tool calls becomes "". `tool_calls` is read from
 * assistant messages only and `tool_call_id` from tool messages only (the request schema checks
 * them there; on other roles they are ignored).
 *
 * @throws ApiError `unsupported_value` for non-text content parts (images, audio, files),
 *   `invalid_value` for tool-call arguments that are not a JSON object
 */
export function toTemplateMessages(messages: ChatMessage[]): TemplateMessage[] {
  return messages.map((message, index) => {
    const role = message.role === 'developer' ? 'system' : message.role;
    const out: TemplateMessage = { role, content: textOf(message.content, index) };
    if (message.name !== undefined) out.name = message.name;
    // only the roles whose schema validated them carry these; elsewhere they are ignored
    if (role === 'tool' && message.tool_call_id !== undefined) out.tool_call_id = message.tool_call_id;
    if (role === 'assistant' && message.tool_calls?.length) {
      out.tool_calls = message.tool_calls.map((call, callIndex) => ({
        id: call.id,
        type: 'function',
        function: {
          name: call.function.name,
          arguments: parseArguments(call.function.arguments, index, callIndex),
        },
      }));
    } else if (out.content === null) {
      out.content = '';
    }
    return out;
  });
}

function textOf(content: string | ContentPart[] | null | undefined, index: number): string | null {
  if (content === undefined || content === null) return null;
  if (typeof content === 'string') return content;
  return content
    .map((part, partIndex) => {
      if (part.type !== 'text' || typeof part.text !== 'string') {
        throw new ApiError(
          'unsupported_value',
          `Content parts of type '${part.type}' are not supported; only 'text' parts are.`,
          `messages[${index}].content[${partIndex}].type`,
        );
      }
      return part.text;
    })
    .join('\n');
}

function parseArguments(text: string, index: number, callIndex: number): unknown {
  const param = `messages[${index}].tool_calls[${callIndex}].function.arguments`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('invalid_value', `'${param}' is not valid JSON.`, param);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError('invalid_value', `'${param}' must be a JSON object.`, param);
  }
  return parsed;
}

/**
 * Adds `text` to the system prompt: appended (after a blank line) to a leading system message, or
 * as a new first system message (as llama.cpp's `common_chat_msgs_add_system` does).
 */
export function withSystemText(messages: TemplateMessage[], text: string): TemplateMessage[] {
  const [first, ...rest] = messages;
  if (first?.role === 'system') return [{ ...first, content: `${first.content ?? ''}\n\n${text}` }, ...rest];
  return [{ role: 'system', content: text }, ...messages];
}

/**
 * The same messages with every tool-call id (assistant `tool_calls[].id`, tool `tool_call_id`) as
 * `length` alphanumerics (see `toolCallIdOfLength`), for formats whose templates demand that.
 */
export function withToolCallIdLength(messages: TemplateMessage[], length: number): TemplateMessage[] {
  return messages.map((message) => {
    const out = { ...message };
    if (out.tool_call_id !== undefined) out.tool_call_id = toolCallIdOfLength(out.tool_call_id, length);
    if (out.tool_calls) {
      out.tool_calls = out.tool_calls.map((call) => ({ ...call, id: toolCallIdOfLength(call.id, length) }));
    }
    return out;
  });
}

/**
 * The tools as handed to a chat template: OpenAI's `ChatCompletionTool`s with a function
 * `description` of `""` where the client sent none (optional per OpenAI; templates such as
 * Hermes 3's concatenate it and fail on an undefined one, in Jinja as here).
 */
export function toTemplateTools(tools: ToolDefinition[]): ToolDefinition[] {
  return tools.map((tool) =>
    tool.function.description === undefined ? { ...tool, function: { ...tool.function, description: '' } } : tool,
  );
}
