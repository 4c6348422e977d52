import { randomUUID } from 'node:crypto';
import { ChatResult, ChatStreamEvent } from '../chat/chat-events';
import { CompletionUsage, FinishReason } from './chat-completion.types';
import { toOpenAIError } from './openai-error';
import {
  ResponseFunctionCall,
  ResponseItemStatus,
  ResponseObject,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoning,
  ResponseRequest,
  toResponseUsage,
} from './response.types';

/** Identity of one response: `resp_…` id, creation time (Unix seconds), model id. */
export interface ResponseIdentity {
  id: string;
  created_at: number;
  model: string;
}

/** A new `resp_…` id and creation time for `model`. */
export function newResponseIdentity(model: string): ResponseIdentity {
  return { id: newId('resp'), created_at: Math.floor(Date.now() / 1000), model };
}

function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}

/** One event of a streamed response: `type`, its fields, `sequence_number` (from 0). */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/**
 * A finished chat result as OpenAI's `Response`: `output` holds a `reasoning` item (thinking
 * models), a `message` item with the text (left out when the answer is only calls), then one
 * `function_call` item per call; an answer cut by `max_output_tokens` is `status: "incomplete"`
 * with `incomplete_details.reason: "max_output_tokens"`.
 */
export function toResponseObject(
  identity: ResponseIdentity,
  request: ResponseRequest,
  result: ChatResult,
): ResponseObject {
  const status = itemStatusOf(result.finishReason);
  const output: ResponseOutputItem[] = [];
  if (result.reasoning) output.push(reasoningItem(newId('rs'), result.reasoning, status));
  if (result.content !== null && (result.content !== '' || result.toolCalls.length === 0)) {
    output.push(messageItem(newId('msg'), result.content, status));
  }
  for (const call of result.toolCalls) {
    output.push(functionCallItem(newId('fc'), call.id, call.name, call.arguments, 'completed'));
  }
  return responseObject(identity, request, output, result.finishReason, result.usage);
}

function itemStatusOf(finishReason: FinishReason): ResponseItemStatus {
  return finishReason === 'length' ? 'incomplete' : 'completed';
}

function responseObject(
  identity: ResponseIdentity,
  request: ResponseRequest,
  output: ResponseOutputItem[],
  finishReason: FinishReason | undefined,
  usage: CompletionUsage | undefined,
): ResponseObject {
  const status = finishReason === undefined ? 'in_progress' : finishReason === 'length' ? 'incomplete' : 'completed';
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.created_at,
    status,
    completed_at: status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: identity.model,
    output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: (request.tools ?? []).map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    top_p: request.top_p ?? null,
    truncation: request.truncation ?? 'disabled',
    ...(usage ? { usage: toResponseUsage(usage) } : {}),
    ...(request.user ? { user: request.user } : {}),
    metadata: request.metadata ?? {},
    background: false,
  };
}

function messageItem(id: string, text: string, status: ResponseItemStatus): ResponseOutputMessage {
  return { type: 'message', id, status, role: 'assistant', content: [outputText(text)] };
}

function outputText(text: string) {
  return { type: 'output_text' as const, text, annotations: [], logprobs: [] };
}

function reasoningItem(id: string, text: string, status: ResponseItemStatus): ResponseReasoning {
  return { type: 'reasoning', id, summary: [], content: [{ type: 'reasoning_text', text }], status };
}

function functionCallItem(
  id: string,
  callId: string,
  name: string,
  args: string,
  status: ResponseItemStatus,
): ResponseFunctionCall {
  return { type: 'function_call', id, call_id: callId, name, arguments: args, status };
}

/** The item being streamed: its kind, place in `output`, text so far, and (calls) its chat index. */
interface OpenItem {
  kind: 'message' | 'reasoning' | 'function_call';
  id: string;
  outputIndex: number;
  text: string;
  callIndex?: number;
  callId?: string;
  name?: string;
}

/**
 * Encodes a chat stream as OpenAI Responses streaming events, in the order OpenAI sends them:
 * `response.created` and `response.in_progress`; per output item `response.output_item.added`,
 * for text and reasoning a `response.content_part.added`, then `response.output_text.delta` /
 * `response.reasoning_text.delta` / `response.function_call_arguments.delta` events, and, once the
 * next item starts or the answer ends, the matching `….done` events and `response.output_item.done`;
 * last `response.completed` (or `response.incomplete` when cut by `max_output_tokens`) carrying the
 * whole response. Every event has a `sequence_number` counting from 0. Each event is a fresh object.
 */
export class ResponseEventEncoder {
  private sequence = 0;
  private open: OpenItem | undefined;
  private readonly items: ResponseOutputItem[] = [];

  constructor(
    private readonly identity: ResponseIdentity,
    private readonly request: ResponseRequest,
  ) {}

  /** The finished output items so far (all of them once the stream is done). */
  get output(): ResponseOutputItem[] {
    return this.items;
  }

  /** The opening events, sent before anything is generated. */
  start(): ResponseStreamEvent[] {
    const response = responseObject(this.identity, this.request, [], undefined, undefined);
    return [this.event('response.created', { response }), this.event('response.in_progress', { response })];
  }

  /** The events for one chat stream event. */
  encode(event: ChatStreamEvent): ResponseStreamEvent[] {
    switch (event.type) {
      case 'content':
        return this.text('message', event.content);
      case 'reasoning':
        return this.text('reasoning', event.reasoning);
      case 'logprobs':
        return [];
      case 'tool_call_start':
        return [...this.close('completed'), ...this.openCall(event.index, event.id, event.name)];
      case 'tool_call_arguments':
        return this.callArguments(event.index, event.arguments);
      case 'done': {
        const events = this.close(itemStatusOf(event.finishReason));
        const response = responseObject(this.identity, this.request, this.items, event.finishReason, event.usage);
        const type = response.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
        return [...events, this.event(type, { response })];
      }
    }
  }

  /** A failure after the stream started, as OpenAI's `error` event. */
  error(error: unknown): ResponseStreamEvent {
    const { message, param, code } = toOpenAIError(error).toJSON().error;
    return this.event('error', { code, message, param });
  }

  private event(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, ...fields, sequence_number: this.sequence++ };
  }

  private text(kind: 'message' | 'reasoning', delta: string): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    if (this.open?.kind !== kind) {
      events.push(...this.close('completed'));
      const open = this.begin(kind, newId(kind === 'message' ? 'msg' : 'rs'));
      const item =
        kind === 'message'
          ? { type: 'message', id: open.id, status: 'in_progress', role: 'assistant', content: [] }
          : { type: 'reasoning', id: open.id, summary: [], content: [], status: 'in_progress' };
      events.push(this.event('response.output_item.added', { output_index: open.outputIndex, item }));
      const part = kind === 'message' ? outputText('') : { type: 'reasoning_text', text: '' };
      events.push(this.event('response.content_part.added', { ...this.at(open), part }));
    }
    const open = this.open!;
    open.text += delta;
    const type = kind === 'message' ? 'response.output_text.delta' : 'response.reasoning_text.delta';
    events.push(this.event(type, { ...this.at(open), delta, ...(kind === 'message' ? { logprobs: [] } : {}) }));
    return events;
  }

  private openCall(callIndex: number, callId: string, name: string): ResponseStreamEvent[] {
    const open = this.begin('function_call', newId('fc'), { callIndex, callId, name });
    const item = functionCallItem(open.id, callId, name, '', 'in_progress');
    return [this.event('response.output_item.added', { output_index: open.outputIndex, item })];
  }

  /** @throws Error for arguments of a call other than the open one (a bug: they follow their start) */
  private callArguments(callIndex: number, delta: string): ResponseStreamEvent[] {
    const open = this.open;
    if (open?.kind !== 'function_call' || open.callIndex !== callIndex) {
      throw new Error(`arguments of tool call ${callIndex} came after the call was done`);
    }
    open.text += delta;
    const fields = { item_id: open.id, output_index: open.outputIndex, delta };
    return [this.event('response.function_call_arguments.delta', fields)];
  }

  /** Opens an item; items are streamed one at a time, so it goes after every finished one. */
  private begin(kind: OpenItem['kind'], id: string, call?: Pick<OpenItem, 'callIndex' | 'callId' | 'name'>) {
    this.open = { kind, id, outputIndex: this.items.length, text: '', ...call };
    return this.open;
  }

  private at(open: OpenItem) {
    return { item_id: open.id, output_index: open.outputIndex, content_index: 0 };
  }

  /** Ends the open item: its `….done` events, then `response.output_item.done` with the whole item. */
  private close(status: ResponseItemStatus): ResponseStreamEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const events: ResponseStreamEvent[] = [];
    let item: ResponseOutputItem;
    if (open.kind === 'function_call') {
      item = functionCallItem(open.id, open.callId!, open.name!, open.text, status);
      events.push(
        this.event('response.function_call_arguments.done', {
          item_id: open.id,
          output_index: open.outputIndex,
          name: open.name,
          arguments: open.text,
        }),
      );
    } else if (open.kind === 'message') {
      item = messageItem(open.id, open.text, status);
      events.push(this.event('response.output_text.done', { ...this.at(open), text: open.text, logprobs: [] }));
      events.push(this.event('response.content_part.done', { ...this.at(open), part: outputText(open.text) }));
    } else {
      item = reasoningItem(open.id, open.text, status);
      events.push(this.event('response.reasoning_text.done', { ...this.at(open), text: open.text }));
      events.push(
        this.event('response.content_part.done', { ...this.at(open), part: { type: 'reasoning_text', text: open.text } }),
      );
    }
    this.items.push(item);
    events.push(this.event('response.output_item.done', { output_index: open.outputIndex, item }));
    return events;
  }
}
