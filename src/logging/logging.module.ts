import { DynamicModule, Module } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { LogFormat, LogLevel } from '../config/server-config';
import { createPinoLogger } from './pino-logger';
import { REQUEST_ID_HEADER } from './request-id';

/** The level of a request-completed line: 5xx and failures `error`, 4xx `warn`, else `info`. */
export function requestLogLevel(statusCode: number, error?: Error): 'error' | 'warn' | 'info' {
  if (error || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'warn' : 'info';
}

/**
 * Structured logs (nestjs-pino over pino-http): every Nest `Logger` line goes to one pino logger
 * (see `createPinoLogger`); each request gets one request-completed line, and every line logged
 * while serving it carries its id as `reqId` (the `x-request-id` set by `registerRequestIdHeader`).
 */
@Module({})
export class LoggingModule {
  /** @param fd file descriptor the lines are written to (default stdout) */
  static forRoot(format: LogFormat, level: LogLevel, fd = 1): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: createPinoLogger(format, level, fd),
            genReqId: (_request: IncomingMessage, response: ServerResponse) =>
              String(response.getHeader(REQUEST_ID_HEADER)),
            quietReqLogger: true,
            customLogLevel: (_request, response, error) => requestLogLevel(response.statusCode, error),
            serializers: {
              req: (request: { method: string; url: string }) => ({ method: request.method, url: request.url }),
              res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
            },
          },
        }),
      ],
    };
  }
}
