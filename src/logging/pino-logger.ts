import pino, { Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { LogFormat, LogLevel } from '../config/server-config';

/** pino's level of each Nest log level (nestjs-pino maps `log` to `info` and `verbose` to `trace`). */
const PINO_LEVELS: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * The service's pino logger, writing synchronously to stdout (no line lost on `process.exit`):
 * - `json`: one JSON object per line (`level` as its name, `time` in ISO 8601, `msg`, `context`
 *   naming the logging class, `reqId` inside a request, `req`/`res`/`responseTime` on the
 *   request-completed line);
 * - `text`: the same records through pino-pretty, one line each:
 *   `[12:00:00.000] INFO: [context] (reqId) message`.
 */
export function createPinoLogger(format: LogFormat, level: LogLevel, fd = 1): Logger {
  const options: pino.LoggerOptions = { level: PINO_LEVELS[level], base: undefined };
  if (format === 'json') {
    return pino(
      { ...options, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
      pino.destination({ dest: fd, sync: true }),
    );
  }
  return pino(
    options,
    pinoPretty({
      destination: fd,
      sync: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'context,reqId',
      messageFormat: '{if context}[{context}] {end}{if reqId}({reqId}) {end}{msg}',
    }),
  );
}
