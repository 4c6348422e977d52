import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { firstValueFrom, Subscription, toArray } from 'rxjs';
import { LlamaClient } from './llama-client';

const TOKEN = 'data: {"content":"a","stop":false}\n\n';
const LAST = 'data: {"content":"","stop":true,"stop_type":"limit","tokens_predicted":1,"tokens_evaluated":1}\n\n';
const LATE_END_MS = 200;

// A fake upstream whose stream ends a while after its final event, or never sends one: how the
// client ends its side (reads to the end, or aborts) shows in how the fake's answer closes.
describe('LlamaClient.completeStream', () => {
  let server: Server;
  let client: LlamaClient;
  let answer: Promise<{ finished: boolean }>;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      answer = new Promise((resolve) => res.on('close', () => resolve({ finished: res.writableFinished })));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(TOKEN);
        if ((JSON.parse(body) as { prompt: string }).prompt === 'unfinished') return;
        res.write(LAST);
        setTimeout(() => res.end(), LATE_END_MS);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new LlamaClient({ baseUrl: () => base, isReady: () => true });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('completes at the final event and reads the rest of the answer instead of aborting it', async () => {
    const started = performance.now();
    const events = await firstValueFrom(client.completeStream({ prompt: 'x', cache_prompt: true }).pipe(toArray()));
    expect(performance.now() - started).toBeLessThan(LATE_END_MS);
    expect(events.map((event) => event.stop)).toEqual([false, true]);
    expect(await answer).toEqual({ finished: true });
  });

  it('aborts the upstream request when unsubscribed before the final event', async () => {
    const subscription = await new Promise<Subscription>((resolve) => {
      const subscribed = client.completeStream({ prompt: 'unfinished', cache_prompt: true }).subscribe(() => resolve(subscribed));
    });
    subscription.unsubscribe();
    expect(await answer).toEqual({ finished: false });
  });
});
