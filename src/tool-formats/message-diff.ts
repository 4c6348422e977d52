import { ParsedMessage } from './tool-format';

/** What changed between two parses of a growing output, in OpenAI delta terms. */
export interface MessageDelta {
  content?: string;
  reasoning?: string;
  /** A new call carries its `name`; every call delta carries an `arguments` fragment. */
  toolCall?: { index: number; name?: string; arguments: string };
}

/**
 * Diffs two successive parses (per llama.cpp `common_chat_msg_diff`): content and reasoning
 * suffixes, argument fragments of the last known call, then each new call.
 *
 * @throws Error when `next` does not extend `previous` (a parser broke the prefix property: a bug)
 */
export function diffMessages(previous: ParsedMessage, next: ParsedMessage): MessageDelta[] {
  const deltas: MessageDelta[] = [];
  const reasoning = suffix(previous.reasoning, next.reasoning, 'reasoning');
  if (reasoning) deltas.push({ reasoning });
  const content = suffix(previous.content, next.content, 'content');
  if (content) deltas.push({ content });
  if (next.toolCalls.length < previous.toolCalls.length) {
    throw new Error('tool calls disappeared between two parses');
  }
  previous.toolCalls.forEach((call, index) => {
    const nextCall = next.toolCalls[index];
    if (nextCall.name !== call.name) throw new Error(`tool call ${index} changed its name`);
    const fragment = suffix(call.arguments, nextCall.arguments, `tool call ${index} arguments`);
    if (fragment) deltas.push({ toolCall: { index, arguments: fragment } });
  });
  for (let index = previous.toolCalls.length; index < next.toolCalls.length; index++) {
    const call = next.toolCalls[index];
    deltas.push({ toolCall: { index, name: call.name, arguments: call.arguments } });
  }
  return deltas;
}

/**
 * The last diff of a stream, against the final parse. A call cut off by `max_tokens` has already
 * been streamed in part and cannot be taken back: its deltas stay, no call is added or removed, and
 * the stream ends with `finish_reason: "length"`.
 */
export function diffFinal(previous: ParsedMessage, final: ParsedMessage): MessageDelta[] {
  return diffMessages(previous, final.truncatedCall ? { ...final, toolCalls: previous.toolCalls } : final);
}

/**
 * `after` without its prefix `before`. Compared as a slice: V8's `startsWith` walks the
 * concatenated strings a stream builds character by character, 40 times slower at 32 KB.
 */
function suffix(before: string, after: string, what: string): string {
  if (after.slice(0, before.length) !== before) throw new Error(`${what} is not an extension of what was streamed`);
  return after.slice(before.length);
}

/** The parse of nothing generated yet. */
export const EMPTY_MESSAGE: ParsedMessage = { content: '', reasoning: '', toolCalls: [], truncatedCall: false };
