import { Logger } from '@nestjs/common';
import { Server } from 'node:http';
import { ServerConfig } from '../config/server-config';
import { startServer } from '../server';

/** How often idle keep-alive connections are closed while draining, in ms. */
const DRAIN_POLL_MS = 200;

/**
 * Runs the service until SIGINT/SIGTERM, then shuts down gracefully: stops accepting connections,
 * lets in-flight requests finish for up to `shutdownGraceMs`, closes the app (stopping
 * llama-server; requests still running then get an error) and exits 0. A start-up failure is
 * printed (with llama-server's last output) and exits 1.
 */
export async function serveCommand(config: ServerConfig): Promise<void> {
  const logger = new Logger('serve');
  let app: Awaited<ReturnType<typeof startServer>>;
  try {
    app = await startServer(config);
  } catch (error) {
    logger.error((error as Error).message);
    process.exit(1);
  }
  logger.log(`OpenAI API on http://${config.host}:${config.port}/v1`);
  const shutdown = async (signal: string) => {
    logger.log(`${signal}: no new connections; in-flight requests have ${config.shutdownGraceMs / 1000} s`);
    const finished = await drain(app.getHttpServer() as Server, config.shutdownGraceMs);
    if (!finished) logger.warn('grace period over: closing with requests still in flight');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * Stops `server` accepting connections and waits until every open connection has ended (idle
 * keep-alive ones are closed as they become idle), for at most `graceMs`. Resolves true when all
 * ended in time.
 */
function drain(server: Server, graceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const poll = setInterval(() => server.closeIdleConnections(), DRAIN_POLL_MS);
    const done = (finished: boolean) => {
      clearInterval(poll);
      clearTimeout(deadline);
      resolve(finished);
    };
    const deadline = setTimeout(() => done(false), graceMs);
    server.close(() => done(true));
  });
}
