import { expectOpenAISchema } from '../../test/support/openai-schemas';
import { ChatStreamEvent } from '../chat/chat-events';
import { UpstreamUnavailableError } from '../llama/upstream-errors';
import { newResponseIdentity, ResponseEventEncoder, ResponseStreamEvent, toResponseObject } from './response.encoder';
import { ResponseRequest } from './response.types';

describe('Responses encoding', () => {
  const identity = { id: 'resp_1', created_at: 1700000000, model: 'm' };
  const usage = { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, prompt_tokens_details: { cached_tokens: 8 } };
  const request: ResponseRequest = {
    input: 'x',
    tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
    metadata: { k: 'v' },
  };

  it('makes resp_ ids', () => {
    expect(newResponseIdentity('m').id).toMatch(/^resp_[0-9a-f]{32}$/);
  });

  it('answers with reasoning, message and call items, as OpenAI shapes them', () => {
    const response = toResponseObject(identity, request, {
      content: 'Let me look.',
      reasoning: 'hmm',
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }],
      finishReason: 'tool_calls',
      usage,
    });
    expectOpenAISchema('Response', response);
    expect(response).toMatchObject({
      id: 'resp_1',
      object: 'response',
      status: 'completed',
      incomplete_details: null,
      metadata: { k: 'v' },
      tools: [{ type: 'function', name: 'f', description: null, parameters: { type: 'object' }, strict: null }],
      usage: {
        input_tokens: 9,
        input_tokens_details: { cached_tokens: 8, cache_write_tokens: 0 },
        output_tokens: 4,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 13,
      },
    });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(response.output[2]).toEqual({
      type: 'function_call',
      id: expect.stringMatching(/^fc_/),
      call_id: 'call_1',
      name: 'f',
      arguments: '{"a":1}',
      status: 'completed',
    });
  });

  it('leaves the message out of an answer that is only calls, and marks a cut answer incomplete', () => {
    const calls = toResponseObject(identity, request, {
      content: null,
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{}' }],
      finishReason: 'tool_calls',
      usage,
    });
    expect(calls.output.map((item) => item.type)).toEqual(['function_call']);
    const cut = toResponseObject(identity, request, { content: 'abc', toolCalls: [], finishReason: 'length', usage });
    expectOpenAISchema('Response', cut);
    expect(cut).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, completed_at: null });
    expect(cut.output[0]).toMatchObject({ type: 'message', status: 'incomplete', content: [{ text: 'abc' }] });
  });

  const streamOf = (events: ChatStreamEvent[]) => {
    const encoder = new ResponseEventEncoder(identity, request);
    const out = [...encoder.start(), ...events.flatMap((event) => encoder.encode(event))];
    return { encoder, out };
  };

  it('streams items one after another with numbered events, ending with the whole response', () => {
    const { encoder, out } = streamOf([
      { type: 'reasoning', reasoning: 'hm' },
      { type: 'reasoning', reasoning: 'm' },
      { type: 'content', content: 'Let ' },
      { type: 'content', content: 'me.' },
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool_call_arguments', index: 0, arguments: '{"a"' },
      { type: 'tool_call_arguments', index: 0, arguments: ':1}' },
      { type: 'tool_call_start', index: 1, id: 'call_2', name: 'f' },
      { type: 'tool_call_arguments', index: 1, arguments: '{}' },
      { type: 'done', finishReason: 'tool_calls', usage },
    ]);
    for (const event of out) expectOpenAISchema('ResponseStreamEvent', event);
    expect(out.map((event) => event.sequence_number)).toEqual(out.map((_, index) => index));
    expect(out.map((event) => [event.type, event.output_index ?? null])).toEqual([
      ['response.created', null],
      ['response.in_progress', null],
      ['response.output_item.added', 0],
      ['response.content_part.added', 0],
      ['response.reasoning_text.delta', 0],
      ['response.reasoning_text.delta', 0],
      ['response.reasoning_text.done', 0],
      ['response.content_part.done', 0],
      ['response.output_item.done', 0],
      ['response.output_item.added', 1],
      ['response.content_part.added', 1],
      ['response.output_text.delta', 1],
      ['response.output_text.delta', 1],
      ['response.output_text.done', 1],
      ['response.content_part.done', 1],
      ['response.output_item.done', 1],
      ['response.output_item.added', 2],
      ['response.function_call_arguments.delta', 2],
      ['response.function_call_arguments.delta', 2],
      ['response.function_call_arguments.done', 2],
      ['response.output_item.done', 2],
      ['response.output_item.added', 3],
      ['response.function_call_arguments.delta', 3],
      ['response.function_call_arguments.done', 3],
      ['response.output_item.done', 3],
      ['response.completed', null],
    ]);
    const byType = (type: string) => out.filter((event) => event.type === type);
    expect(byType('response.output_text.done')[0].text).toBe('Let me.');
    expect(byType('response.function_call_arguments.done')[0]).toMatchObject({ name: 'f', arguments: '{"a":1}' });
    expect(byType('response.output_item.added')[0].item).toEqual({
      type: 'reasoning',
      id: expect.stringMatching(/^rs_/),
      summary: [],
      content: [],
      status: 'in_progress',
    });
    const completed = out[out.length - 1].response as { status: string; output: unknown[] };
    expect(completed.status).toBe('completed');
    expect(completed.output).toEqual(byType('response.output_item.done').map((event) => event.item));
    expect(encoder.output).toEqual(completed.output);
  });

  it('never changes an event already made (events are written later, one at a time)', () => {
    const encoder = new ResponseEventEncoder(identity, request);
    const added = encoder.encode({ type: 'content', content: 'a' });
    const before = JSON.stringify(added);
    encoder.encode({ type: 'content', content: 'b' });
    encoder.encode({ type: 'done', finishReason: 'stop', usage });
    expect(JSON.stringify(added)).toBe(before);
  });

  it('ends a cut stream with response.incomplete and the open item incomplete', () => {
    const { out } = streamOf([
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool_call_arguments', index: 0, arguments: '{"a":' },
      { type: 'done', finishReason: 'length', usage },
    ]);
    const last = out[out.length - 1];
    expectOpenAISchema('ResponseStreamEvent', last);
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'function_call', arguments: '{"a":', status: 'incomplete' }],
    });
  });

  it('turns a failure into an error event numbered after the rest', () => {
    const { encoder, out } = streamOf([{ type: 'content', content: 'a' }]);
    const error: ResponseStreamEvent = encoder.error(new UpstreamUnavailableError('llama-server is gone'));
    expectOpenAISchema('ResponseStreamEvent', error);
    expect(error).toMatchObject({ type: 'error', sequence_number: out.length, message: expect.stringContaining('gone') });
  });

  it('refuses arguments of a call that is already done (a broken event order)', () => {
    const encoder = new ResponseEventEncoder(identity, request);
    encoder.encode({ type: 'tool_call_start', index: 0, id: 'call_1', name: 'f' });
    encoder.encode({ type: 'content', content: 'a' });
    expect(() => encoder.encode({ type: 'tool_call_arguments', index: 0, arguments: '{}' })).toThrow(/tool call 0/);
  });
});
