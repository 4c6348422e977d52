import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, Controller, Logger as NestLogger, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { LoggingModule, requestLogLevel } from './logging.module';
import { registerRequestIdHeader, requestIdOf } from './request-id';

@Controller('echo')
class EchoController {
  private readonly logger = new NestLogger('Echo');

  @Post()
  async echo(@Body() body: { text: string }) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.logger.log(`echoing ${body.text}`);
    return body;
  }
}

describe('LoggingModule (nestjs-pino, request ids)', () => {
  let app: NestFastifyApplication;
  let logFile: string;
  let fd: number;

  beforeAll(async () => {
    logFile = join(mkdtempSync(join(tmpdir(), 'lts-logs-')), 'log.jsonl');
    fd = openSync(logFile, 'w');
    @Module({ imports: [LoggingModule.forRoot('json', 'log', fd)], controllers: [EchoController] })
    class TestModule {}
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter({ genReqId: requestIdOf }), {
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    app.flushLogs();
    registerRequestIdHeader(app.getHttpAdapter().getInstance());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    closeSync(fd);
  });

  const lines = () =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  const post = (headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/echo', headers, payload: { text: 'hello' } });

  it('echoes a given x-request-id and logs every line of the request with it', async () => {
    const response = await post({ 'x-request-id': 'req-42' });
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-request-id']).toBe('req-42');
    const ofRequest = lines().filter((line) => line.reqId === 'req-42');
    expect(ofRequest.map((line) => line.msg)).toEqual(['echoing hello', 'request completed']);
    expect(ofRequest[0]).toMatchObject({ level: 'info', context: 'Echo' });
    expect(ofRequest[1]).toMatchObject({ req: { method: 'POST', url: '/echo' }, res: { statusCode: 201 } });
  });

  it('generates a UUID when the client sends none, or one that is not a plausible id', async () => {
    for (const headers of [{}, { 'x-request-id': 'bad id\twith spaces' }] as Array<Record<string, string>>) {
      const response = await post(headers);
      const id = response.headers['x-request-id'] as string;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(lines().filter((line) => line.reqId === id)).toHaveLength(2);
    }
  });

  it('logs 4xx at warn and 5xx at error', () => {
    expect(requestLogLevel(200)).toBe('info');
    expect(requestLogLevel(404)).toBe('warn');
    expect(requestLogLevel(503)).toBe('error');
    expect(requestLogLevel(200, new Error('aborted'))).toBe('error');
  });
});
