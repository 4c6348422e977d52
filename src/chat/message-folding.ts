import { TemplateCapabilities } from '../chat-template/template-capabilities';
import { TemplateMessage } from './template-messages';

/**
 * Rewrites normalised messages into what a chat template with `capabilities` can render, instead
 * of letting it fail (as llama.cpp's minja polyfills and its Python `examples/openai` did):
 * - assistant tool calls it cannot render → JSON text in the content,
 *   `{"tool_calls":[{"name","arguments","id"}]}` (the generic format's envelope);
 * - tool results it cannot render → user messages, `{"tool_response":{"tool_call_id","name","content"}}`;
 * - system messages it cannot render → prepended to the next user message (a user message of
 *   their own when none follows);
 * - strict alternation → neighbours of the same role merged, contents joined by a blank line;
 * - `arguments` as JSON strings for templates that print them, `null` contents as "" where needed.
 * Messages are not modified; the result shares no objects with them.
 */
export function foldForTemplate(messages: TemplateMessage[], capabilities: TemplateCapabilities): TemplateMessage[] {
  let folded = messages.map((message) => ({ ...message }));
  if (!capabilities.toolCalls) folded = folded.map(callsAsContent);
  if (!capabilities.toolResponses) folded = folded.map(responseAsUser);
  if (!capabilities.systemRole) folded = systemIntoUser(folded);
  if (capabilities.requiresAlternation) folded = mergeNeighbours(folded);
  if (capabilities.argumentsAs === 'string') folded = folded.map(argumentsAsStrings);
  if (capabilities.requiresNonNullContent) {
    folded = folded.map((message) => (message.content === null ? { ...message, content: '' } : message));
  }
  return folded;
}

function callsAsContent(message: TemplateMessage): TemplateMessage {
  if (!message.tool_calls?.length) return message;
  const envelope = JSON.stringify({
    tool_calls: message.tool_calls.map((call) => ({
      name: call.function.name,
      arguments: call.function.arguments,
      id: call.id,
    })),
  });
  const { tool_calls: _calls, ...rest } = message;
  return { ...rest, content: joinText(message.content, envelope) };
}

function responseAsUser(message: TemplateMessage): TemplateMessage {
  if (message.role !== 'tool') return message;
  const content = JSON.stringify({
    tool_response: { tool_call_id: message.tool_call_id, name: message.name, content: message.content },
  });
  return { role: 'user', content };
}

function systemIntoUser(messages: TemplateMessage[]): TemplateMessage[] {
  const out: TemplateMessage[] = [];
  let pending: string | null = null;
  for (const message of messages) {
    if (message.role === 'system') {
      pending = joinText(pending, message.content);
    } else if (message.role === 'user' && pending !== null) {
      out.push({ ...message, content: joinText(pending, message.content) });
      pending = null;
    } else {
      out.push(message);
    }
  }
  if (pending !== null) out.push({ role: 'user', content: pending });
  return out;
}

function mergeNeighbours(messages: TemplateMessage[]): TemplateMessage[] {
  const out: TemplateMessage[] = [];
  for (const message of messages) {
    const last = out[out.length - 1];
    if (last && last.role === message.role && message.role !== 'tool') {
      const toolCalls = [...(last.tool_calls ?? []), ...(message.tool_calls ?? [])];
      out[out.length - 1] = {
        ...last,
        content: joinText(last.content, message.content),
        ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
      };
    } else {
      out.push(message);
    }
  }
  return out;
}

function argumentsAsStrings(message: TemplateMessage): TemplateMessage {
  if (!message.tool_calls) return message;
  return {
    ...message,
    tool_calls: message.tool_calls.map((call) => ({
      ...call,
      function: { ...call.function, arguments: JSON.stringify(call.function.arguments) },
    })),
  };
}

/** Non-empty texts joined by a blank line; `null` when there is none. */
function joinText(first: string | null, second: string | null): string | null {
  const parts = [first, second].filter((text): text is string => !!text);
  return parts.length ? parts.join('\n\n') : first ?? second;
}
