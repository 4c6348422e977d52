import { toArgumentsSchema } from '../chat/tool-parameters';
import { ApiError } from '../errors/api-error';
import { ChatCompletionRequest, ChatMessage, ContentPart, ToolDefinition } from './chat-completion.types';
import { FIELDS_SHARED_WITH_CHAT } from './response-request.schema';
import {
  ResponseInputItem,
  ResponseInputPart,
  ResponseOutputItem,
  ResponseRequest,
  ResponseTextFormat,
} from './response.types';

/** Finds an output item of an earlier response by its id (`item_reference`); undefined if unknown. */
export type StoredItemLookup = (id: string) => ResponseOutputItem | undefined;

/** `include` values accepted: there is never encrypted reasoning to include, so it is a no-op. */
const ACCEPTED_INCLUDES = new Set(['reasoning.encrypted_content']);

/**
 * A Responses request (validated against `RESPONSE_REQUEST_SCHEMA`) as the Chat Completions request
 * that generates its answer, the way llama.cpp's server and vLLM serve `/v1/responses`:
 * `instructions` become a leading system message; `input` items become messages (consecutive
 * `function_call` items one assistant message with `tool_calls`, each `function_call_output` a
 * `tool` message, an `item_reference` the stored item it names, `reasoning` items dropped); flat
 * function tools nest under `function`; `text.format` becomes `response_format`;
 * `max_output_tokens` becomes `max_completion_tokens`; the fields both APIs share pass on, no others.
 *
 * @param lookup resolves `item_reference` ids to output items kept from earlier responses
 * @throws ApiError 400: `unsupported_value` for what this service cannot do (a stored conversation
 *   by `previous_response_id` or `conversation`, `background`, `prompt` templates, tools other than
 *   functions, content other than text, logprobs, a `tool_choice` form that names no function),
 *   `invalid_value` for an unknown `item_reference` id, function-call `arguments` that are not JSON,
 *   or function `parameters` that admit no object (`toArgumentsSchema`)
 */
export function toChatRequest(request: ResponseRequest, lookup: StoredItemLookup): ChatCompletionRequest {
  refuseUnsupported(request);
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  if (typeof request.input === 'string') messages.push({ role: 'user', content: request.input });
  else request.input.forEach((item, index) => addItem(messages, resolve(item, index, lookup), index));
  const chat: ChatCompletionRequest = { messages };
  for (const [key, value] of Object.entries(request)) {
    if (FIELDS_SHARED_WITH_CHAT.has(key)) chat[key] = value;
  }
  if (request.max_output_tokens !== undefined) chat.max_completion_tokens = request.max_output_tokens;
  if (request.tools) chat.tools = request.tools.map((tool, index) => toChatTool(tool, `tools[${index}].parameters`));
  if (request.tool_choice !== undefined) chat.tool_choice = toChatToolChoice(request.tool_choice);
  const format = request.text?.format;
  if (format) chat.response_format = toResponseFormat(format);
  return chat;
}

function refuseUnsupported(request: ResponseRequest): void {
  const refuse = (param: string, what: string) => {
    throw new ApiError('unsupported_value', what, param);
  };
  if (request.previous_response_id) {
    refuse(
      'previous_response_id',
      "'previous_response_id' is not supported: this server keeps no conversations. Send the whole conversation in 'input'.",
    );
  }
  if (request.conversation !== undefined && request.conversation !== null) {
    refuse('conversation', "'conversation' is not supported: this server keeps no conversations.");
  }
  if (request.background === true) refuse('background', "'background' responses are not supported.");
  if (request.prompt !== undefined && request.prompt !== null) refuse('prompt', "Prompt templates are not supported.");
  if (request.top_logprobs) refuse('top_logprobs', "'top_logprobs' is not supported on /v1/responses.");
  const include = (request.include as string[] | null | undefined) ?? [];
  include.forEach((value, index) => {
    if (!ACCEPTED_INCLUDES.has(value)) refuse(`include[${index}]`, `'include' value '${value}' is not supported.`);
  });
  (request.tools ?? []).forEach((tool, index) => {
    if (tool.type !== 'function') {
      refuse(`tools[${index}].type`, `Tools of type '${tool.type}' are not supported; only 'function' tools are.`);
    }
  });
}

function resolve(item: ResponseInputItem, index: number, lookup: StoredItemLookup): ResponseInputItem {
  if (item.type !== 'item_reference') return item;
  const id = (item as { id: string }).id;
  const stored = lookup(id);
  if (!stored) {
    throw new ApiError(
      'invalid_value',
      `Item with id '${id}' not found: items are kept only by this server process, for responses made with 'store' not false.`,
      `input[${index}].id`,
    );
  }
  return stored.type === 'message'
    ? { type: 'message', role: 'assistant', content: stored.content.map(({ type, text }) => ({ type, text })) }
    : (stored as ResponseInputItem);
}

function addItem(messages: ChatMessage[], item: ResponseInputItem, index: number): void {
  const last = messages[messages.length - 1];
  switch (item.type) {
    case undefined:
    case 'message': {
      const { role, content } = item as { role: ChatMessage['role']; content: string | ResponseInputPart[] };
      messages.push({ role, content: toChatContent(content, `input[${index}].content`) });
      return;
    }
    case 'function_call': {
      const call = item as { call_id: string; name: string; arguments: string };
      checkJson(call.arguments, `input[${index}].arguments`);
      const toolCall = { id: call.call_id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } };
      if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), toolCall];
      else messages.push({ role: 'assistant', content: null, tool_calls: [toolCall] });
      return;
    }
    case 'function_call_output': {
      const output = item as { call_id: string; output: string | ResponseInputPart[] };
      messages.push({
        role: 'tool',
        tool_call_id: output.call_id,
        content: toChatContent(output.output, `input[${index}].output`),
      });
      return;
    }
  }
}

/** Text parts (`input_text`, `output_text`) as Chat Completions `text` parts; other parts refused. */
function toChatContent(content: string | ResponseInputPart[], param: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part, index) => {
    if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text === 'string') {
      return { type: 'text', text: part.text };
    }
    throw new ApiError(
      'unsupported_value',
      `Content parts of type '${part.type}' are not supported; only 'input_text' and 'output_text' parts are.`,
      `${param}[${index}].type`,
    );
  });
}

function checkJson(text: string, param: string): void {
  try {
    JSON.parse(text);
  } catch {
    throw new ApiError('invalid_value', `Invalid value for '${param}': not valid JSON.`, param);
  }
}

/** A flat function tool nested as Chat Completions has it, its parameters an object schema. */
function toChatTool(tool: NonNullable<ResponseRequest['tools']>[number], param: string): ToolDefinition {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      parameters: toArgumentsSchema(tool.parameters ?? undefined, param),
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    },
  };
}

function toChatToolChoice(choice: NonNullable<ResponseRequest['tool_choice']>): unknown {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function' && typeof choice.name === 'string') {
    return { type: 'function', function: { name: choice.name } };
  }
  throw new ApiError(
    'unsupported_value',
    `'tool_choice' must be 'none', 'auto', 'required' or {"type":"function","name":…}.`,
    'tool_choice',
  );
}

function toResponseFormat(format: ResponseTextFormat): ChatCompletionRequest['response_format'] {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, description, strict } = format;
  return {
    type: 'json_schema',
    json_schema: { name, schema, ...(description !== undefined ? { description } : {}), ...(strict != null ? { strict } : {}) },
  };
}
