import { Logger } from '@nestjs/common';
import { ServerConfig } from '../config/server-config';
import { startServer } from '../server';

/**
 * Runs the service until SIGINT/SIGTERM, then closes it (stopping llama-server) and exits 0.
 * A start-up failure is printed (with llama-server's last output) and exits 1.
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
    logger.log(`${signal}: shutting down`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
