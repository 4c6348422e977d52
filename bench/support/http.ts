import { performance } from 'node:perf_hooks';
import { SseReader } from '../../test/support/sse-reader';

/** A timed, non-streamed JSON request. */
export interface TimedJson<T> {
  /** Wall time from sending the request to having parsed the whole answer, in ms. */
  ms: number;
  body: T;
}

/** `POST url` with a JSON body; throws on a non-2xx answer (with its body). */
export async function postJson<T>(url: string, body: unknown): Promise<TimedJson<T>> {
  const start = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text}`);
  return { ms, body: JSON.parse(text) as T };
}

/** A timed SSE stream: every `data:` payload with its arrival time. */
export interface TimedStream {
  /** Parsed `data:` payloads (`[DONE]` left out), in order. */
  events: Array<{ atMs: number; data: Record<string, unknown> }>;
  /** Time until the stream ended, in ms. */
  totalMs: number;
}

/** `POST url` expecting `text/event-stream`; reads the stream to its end, timing each event. */
export async function postStream(url: string, body: unknown): Promise<TimedStream> {
  const start = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  const reader = new SseReader(response);
  const events: TimedStream['events'] = [];
  for (let data = await reader.next(); data !== undefined; data = await reader.next()) {
    if (data === '[DONE]') continue;
    events.push({ atMs: performance.now() - start, data: JSON.parse(data) as Record<string, unknown> });
  }
  return { events, totalMs: performance.now() - start };
}

/** Arrival time (ms) of the first event that `carriesToken` accepts; NaN when none does. */
export function firstTokenMs(stream: TimedStream, carriesToken: (data: Record<string, unknown>) => boolean): number {
  return stream.events.find((event) => carriesToken(event.data))?.atMs ?? NaN;
}

/** A llama-server `/completion` stream event carries a token when its `content` is non-empty. */
export const directCarriesToken = (data: Record<string, unknown>): boolean =>
  typeof data.content === 'string' && data.content !== '';

/** An OpenAI chat-completion chunk carries a token when its delta has content, reasoning or a tool call. */
export const chatCarriesToken = (data: Record<string, unknown>): boolean => {
  const delta = (data.choices as Array<{ delta?: Record<string, unknown> }> | undefined)?.[0]?.delta;
  return Boolean(delta && (delta.content || delta.reasoning_content || delta.tool_calls));
};
