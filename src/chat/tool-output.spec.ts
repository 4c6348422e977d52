import { from, lastValueFrom, toArray } from 'rxjs';
import { CompletionResult } from '../llama/completion-types';
import { hermesFormat } from '../tool-formats/hermes.format';
import { ChatStreamEvent } from './chat-events';
import { interpretToolOutput, toolOutputEvents } from './tool-output';

describe('tool output (Hermes format)', () => {
  const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
  const accept = () => undefined;
  const text =
    'Checking.\n<tool_call>\n{"name": "get_weather", "arguments": {"city":"Paris"}}\n</tool_call>\n' +
    '<tool_call>\n{"name": "get_time", "arguments": {"tz":"CET"}}\n</tool_call>';
  const whole: CompletionResult = { content: text, stop: true, stop_type: 'eos' };

  it('returns calls with ids, arguments as JSON strings, and the text before them', () => {
    const result = interpretToolOutput(hermesFormat, whole, usage, accept);
    expect(result.content).toBe('Checking.');
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
      { name: 'get_weather', args: '{"city":"Paris"}' },
      { name: 'get_time', args: '{"tz":"CET"}' },
    ]);
    expect(result.toolCalls.every((call) => /^call_[A-Za-z0-9]{24}$/.test(call.id))).toBe(true);
  });

  it('gives null content when the answer is only calls, and never returns a cut-off call', () => {
    const only = interpretToolOutput(
      hermesFormat,
      { content: '<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>', stop: true, stop_type: 'eos' },
      usage,
      accept,
    );
    expect(only.content).toBeNull();
    const cut = interpretToolOutput(
      hermesFormat,
      { content: 'Hm <tool_call>\n{"name": "f", "arguments": {"a":', stop: true, stop_type: 'limit' },
      usage,
      accept,
    );
    expect(cut).toMatchObject({ content: 'Hm', toolCalls: [], finishReason: 'length' });
  });

  it('refuses arguments the check rejects', () => {
    expect(() =>
      interpretToolOutput(hermesFormat, whole, usage, (name) => {
        if (name === 'get_time') throw new Error('invalid arguments for get_time');
      }),
    ).toThrow('invalid arguments for get_time');
  });

  it('streams text, then each call: start with id and name, then argument fragments', async () => {
    const chunks: CompletionResult[] = [...text].map((char) => ({ content: char, stop: false }));
    chunks.push({ content: '', stop: true, stop_type: 'eos' });
    const events = await lastValueFrom(
      from(chunks).pipe(toolOutputEvents(hermesFormat, () => usage, accept), toArray()),
    );
    const content = events.flatMap((e) => (e.type === 'content' ? [e.content] : [])).join('');
    expect(content).toBe('Checking.');
    const starts = events.filter((e): e is Extract<ChatStreamEvent, { type: 'tool_call_start' }> => e.type === 'tool_call_start');
    expect(starts.map((e) => [e.index, e.name])).toEqual([[0, 'get_weather'], [1, 'get_time']]);
    const args = (index: number) =>
      events.flatMap((e) => (e.type === 'tool_call_arguments' && e.index === index ? [e.arguments] : [])).join('');
    expect([args(0), args(1)]).toEqual(['{"city":"Paris"}', '{"tz":"CET"}']);
    expect(events[events.length - 1]).toEqual({ type: 'done', finishReason: 'tool_calls', usage });
  });

  it('fails the stream when a finished call does not validate', async () => {
    const chunks: CompletionResult[] = [{ content: text, stop: false }, { content: '', stop: true, stop_type: 'eos' }];
    await expect(
      lastValueFrom(
        from(chunks).pipe(
          toolOutputEvents(hermesFormat, () => usage, () => {
            throw new Error('bad arguments');
          }),
        ),
      ),
    ).rejects.toThrow('bad arguments');
  });
});
