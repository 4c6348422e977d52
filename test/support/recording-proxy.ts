import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A request the proxy forwarded: path and parsed JSON body. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

/**
 * A transparent HTTP proxy in front of a real llama-server that records every request it forwards,
 * so tests can see exactly what the service sent upstream (e.g. the rendered prompt). It changes
 * nothing: status, headers and (streamed) body come back as llama-server sent them.
 */
export class RecordingProxy {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;

  constructor(private readonly upstream: string) {}

  /** Starts listening on a free loopback port; returns the proxy's base URL. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.forward(request).then(async (upstream) => {
        response.writeHead(upstream.status, Object.fromEntries(upstream.headers));
        for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
          response.write(chunk);
        }
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The bodies of the `/completion` requests forwarded so far. */
  completionBodies(): Array<Record<string, unknown>> {
    return this.requests
      .filter((request) => request.path === '/completion')
      .map((request) => request.body as Record<string, unknown>);
  }

  private async forward(request: IncomingMessage): Promise<Response> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    this.requests.push({
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      body: text ? JSON.parse(text) : undefined,
    });
    return fetch(`${this.upstream}${request.url}`, {
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body: text || undefined,
    });
  }
}
