import { createParser } from 'eventsource-parser';

/** An SSE response read event by event (`data:` payloads), for tests that act mid-stream. */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private readonly pending: string[] = [];
  private readonly parser = createParser({ onEvent: (event) => this.pending.push(event.data) });
  private ended = false;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error('the response has no body');
    this.reader = response.body.getReader();
  }

  /** The next event's data, or undefined once the stream has ended. */
  async next(): Promise<string | undefined> {
    while (this.pending.length === 0 && !this.ended) {
      const { done, value } = await this.reader.read();
      if (done) this.ended = true;
      else this.parser.feed(this.decoder.decode(value, { stream: true }));
    }
    return this.pending.shift();
  }

  /** Every remaining event's data, until the stream ends. */
  async rest(): Promise<string[]> {
    const events: string[] = [];
    for (let event = await this.next(); event !== undefined; event = await this.next()) events.push(event);
    return events;
  }
}

/** `POST <baseUrl>/v1/chat/completions` with `stream: true`, read as SSE. */
export async function streamChat(baseUrl: string, body: object, signal?: AbortSignal): Promise<SseReader> {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
    signal,
  });
  return new SseReader(response);
}
