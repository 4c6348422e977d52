import Fastify, { FastifyInstance } from 'fastify';
import { AddressInfo } from 'node:net';
import { concat, map, range, throwError } from 'rxjs';
import { SseReader } from '../../test/support/sse-reader';
import { UpstreamUnavailableError } from '../llama/upstream-errors';
import { registerSse, SseReply, streamAsSse } from './sse';

const EVENTS = 400;
const PADDING = 'x'.repeat(64 * 1024);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// 400 events of 64 KiB, all emitted at once to a client that starts reading only later: far more
// than the socket buffers hold, so most writes happen while the response waits for `drain`.
describe('streamAsSse to a slow client', () => {
  let fastify: FastifyInstance;
  let baseUrl: string;
  /** Of the latest request: the most `drain` listeners its response had at once, and its handler's promise. */
  let drainListeners: number;
  let handled: Promise<void>;

  beforeAll(async () => {
    fastify = Fastify();
    await registerSse(fastify);
    fastify.post<{ Querystring: { fail?: string } }>('/stream', { config: { sse: 'manual' } }, (request, reply) => {
      drainListeners = 0;
      reply.raw.on('newListener', (event) => {
        if (event === 'drain') drainListeners = Math.max(drainListeners, reply.raw.listenerCount('drain') + 1);
      });
      const events = concat(
        range(0, EVENTS).pipe(map((index) => ({ index, padding: PADDING }))),
        request.query.fail ? throwError(() => new UpstreamUnavailableError('llama-server is gone')) : [],
      );
      handled = streamAsSse(events, (event) => [event], reply as SseReply);
      return handled;
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });

  afterAll(() => fastify.close());

  const indexesOf = (events: string[]) => events.map((data) => (JSON.parse(data) as { index: number }).index);

  it('writes every event in order, then [DONE], with one drain wait at a time', async () => {
    const reader = new SseReader(await fetch(`${baseUrl}/stream`, { method: 'POST' }));
    await sleep(300);
    const events = await reader.rest();
    expect(events.at(-1)).toBe('[DONE]');
    expect(indexesOf(events.slice(0, -1))).toEqual([...Array(EVENTS).keys()]);
    expect(drainListeners).toBe(1);
  });

  it('writes a failure after the queued events, as the last event', async () => {
    const reader = new SseReader(await fetch(`${baseUrl}/stream?fail=1`, { method: 'POST' }));
    await sleep(300);
    const events = await reader.rest();
    expect(indexesOf(events.slice(0, -1))).toEqual([...Array(EVENTS).keys()]);
    expect(JSON.parse(events.at(-1)!)).toMatchObject({ error: { code: 'upstream_unavailable' } });
  });

  it('lets the handler return when the client goes away with events still queued', async () => {
    const abort = new AbortController();
    await fetch(`${baseUrl}/stream`, { method: 'POST', signal: abort.signal });
    await sleep(100);
    abort.abort();
    await expect(handled).resolves.toBeUndefined();
  });
});

describe('streamAsSse with a protocol of its own', () => {
  let fastify: FastifyInstance;
  let baseUrl: string;
  const protocol = {
    eventOf: (data: unknown) => (data as { type: string }).type,
    done: null,
    failure: (error: unknown) => ({ type: 'error', message: (error as Error).message }),
  };

  beforeAll(async () => {
    fastify = Fastify();
    await registerSse(fastify);
    fastify.post<{ Querystring: { throwAt?: string } }>('/stream', { config: { sse: 'manual' } }, (request, reply) => {
      const throwAt = Number(request.query.throwAt ?? -1);
      const encode = (index: number) => {
        if (index === throwAt) throw new Error(`cannot encode event ${index}`);
        return [{ type: 'item', index }];
      };
      return streamAsSse(range(0, 3), encode, reply as SseReply, protocol);
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });

  afterAll(() => fastify.close());

  const post = async (query = '') => (await fetch(`${baseUrl}/stream${query}`, { method: 'POST' })).text();

  it('names each event and writes no [DONE]', async () => {
    expect(await post()).toBe(
      [0, 1, 2].map((index) => `event: item\ndata: {"type":"item","index":${index}}\n\n`).join(''),
    );
  });

  it('ends the stream with the failure event when the encoder throws, and keeps serving', async () => {
    expect(await post('?throwAt=1')).toBe(
      'event: item\ndata: {"type":"item","index":0}\n\n' +
        'event: error\ndata: {"type":"error","message":"cannot encode event 1"}\n\n',
    );
    expect(await post()).toContain('"index":2');
  });
});
