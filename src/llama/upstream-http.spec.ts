import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { UpstreamResponseError, UpstreamUnavailableError } from './upstream-errors';
import { UpstreamHttp } from './upstream-http';

// A fake upstream: the faults (error status, garbage, a body cut off, a late abort) on demand.
describe('UpstreamHttp', () => {
  let server: Server;
  let base: string;
  const open = new Set<ServerResponse>();
  const http = new UpstreamHttp();

  beforeAll(async () => {
    server = createServer((req, res) => {
      open.add(res);
      res.on('close', () => open.delete(res));
      if (req.url === '/json') {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => res.end(JSON.stringify({ echo: JSON.parse(body), auth: req.headers.authorization ?? null })));
      } else if (req.url === '/error') {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":400,"message":"bad grammar"}}');
      } else if (req.url === '/garbage') {
        res.end('<html>');
      } else if (req.url === '/last-event') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: {"stop":true}\n\n');
      } else if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: é');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const res of open) res.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends JSON with the bearer key and parses the JSON answer', async () => {
    const response = await http.send(`${base}/json`, { method: 'POST', body: { a: 'ü' }, apiKey: 'k' });
    expect(await http.json(response)).toEqual({ echo: { a: 'ü' }, auth: 'Bearer k' });
  });

  it("turns an error status into UpstreamResponseError with llama-server's message", async () => {
    const failure = http.send(`${base}/error`, { method: 'GET' });
    await expect(failure).rejects.toThrow(UpstreamResponseError);
    await expect(http.send(`${base}/error`, { method: 'GET' })).rejects.toMatchObject({ status: 400, message: 'bad grammar' });
  });

  it('turns a non-JSON answer into UpstreamUnavailableError', async () => {
    const response = await http.send(`${base}/garbage`, { method: 'GET' });
    await expect(http.json(response)).rejects.toThrow(UpstreamUnavailableError);
  });

  it('turns a refused connection into UpstreamUnavailableError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(http.send(`http://127.0.0.1:${port}/`, { method: 'GET' })).rejects.toThrow(UpstreamUnavailableError);
  });

  it('hands streamed text over as it arrives and fails the read with UpstreamUnavailableError on abort', async () => {
    const abort = new AbortController();
    const response = await http.send(`${base}/stream`, { method: 'GET', signal: abort.signal });
    const texts: string[] = [];
    await expect(
      http.forEachText(response, (text) => {
        texts.push(text);
        abort.abort();
      }),
    ).rejects.toThrow(UpstreamUnavailableError);
    expect(texts).toEqual(['data: é']);
  });

  it('ends the read with an exception of the text handler', async () => {
    const response = await http.send(`${base}/stream`, { method: 'GET' });
    const failure = new UpstreamResponseError(500, 'garbage');
    await expect(
      http.forEachText(response, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it('an abort on the last event, when the answer has ended with it, leaves the pooled connection working', async () => {
    const abort = new AbortController();
    const response = await http.send(`${base}/last-event`, { method: 'GET', signal: abort.signal });
    const texts: string[] = [];
    await http.forEachText(response, (text) => {
      texts.push(text);
      abort.abort();
    });
    expect(texts).toEqual(['data: {"stop":true}\n\n']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await http.json(await http.send(`${base}/json`, { method: 'POST', body: 3 }))).toEqual({ echo: 3, auth: null });
  });

  it('rejects at once for a signal aborted before sending', async () => {
    await expect(http.send(`${base}/json`, { method: 'GET', signal: AbortSignal.abort() })).rejects.toThrow(
      UpstreamUnavailableError,
    );
  });

  it('ignores an abort after the whole answer arrived, and the pooled connection keeps working', async () => {
    const abort = new AbortController();
    const response = await http.send(`${base}/json`, { method: 'POST', body: 1, signal: abort.signal });
    response.once('end', () => abort.abort());
    expect(await http.json(response)).toEqual({ echo: 1, auth: null });
    await new Promise((resolve) => setImmediate(resolve));
    const again = await http.send(`${base}/json`, { method: 'POST', body: 2 });
    expect(await http.json(again)).toEqual({ echo: 2, auth: null });
  });
});

// llama-server closes a kept-alive connection after its `Keep-Alive: timeout=5` hint; a request sent
// on it just then fails. This fake announces 2 s and never closes on its own, so whoever ends the
// idle connection, and when, shows on its side.
describe('UpstreamHttp keep-alive', () => {
  let server: Server;
  let clientEnded: Promise<number>;
  let served = 0;

  beforeAll(async () => {
    const requestsOn = new WeakMap<Socket, number>();
    server = createServer((req, res) => {
      const count = (requestsOn.get(req.socket) ?? 0) + 1;
      requestsOn.set(req.socket, count);
      served++;
      // closes a kept-alive connection as the next request arrives, as a server timing it out then does
      if (req.url === '/closes-reused' && count > 1) return req.socket.destroy();
      res.writeHead(200, { 'keep-alive': 'timeout=2' }).end(JSON.stringify({ count }));
    });
    server.keepAliveTimeout = 0;
    server.on('connection', (socket: Socket) => {
      clientEnded = new Promise((resolve) => socket.once('end', () => resolve(performance.now())));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("closes an idle pooled connection a second before the server's hint says the server would", async () => {
    const http = new UpstreamHttp();
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await http.json(await http.send(`${base}/`, { method: 'GET' }));
    const answered = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const never = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Infinity), 3000)));
    const idleMs = (await Promise.race([clientEnded, never])) - answered;
    clearTimeout(timer);
    expect(idleMs).toBeGreaterThan(900);
    expect(idleMs).toBeLessThan(2000);
  });

  it('sends a request once more on a connection of its own when the server closes the pooled one', async () => {
    const http = new UpstreamHttp();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/closes-reused`;
    expect(await http.json(await http.send(url, { method: 'POST', body: 1 }))).toEqual({ count: 1 });
    served = 0;
    expect(await http.json(await http.send(url, { method: 'POST', body: 2 }))).toEqual({ count: 1 });
    expect(served).toBe(2);
  });
});
