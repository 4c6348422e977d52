import { cacheRoot } from '../llama/cache-dir';
import { locateLlamaServer } from '../llama/llama-server-locator';

/**
 * `npm run build:llama-server`: finds or builds llama-server (see `locateLlamaServer`), printing
 * ninja's `[n/m]` progress, and prints the binary's path. Exits 1 with the reason on failure.
 */
export async function buildLlamaServerCommand(): Promise<void> {
  try {
    const located = await locateLlamaServer({
      explicitPath: process.env.LLAMA_SERVER,
      cacheRoot: cacheRoot(),
      log: (message) => console.error(message),
      onBuildProgress: (done, total) => console.error(`[${done}/${total}]`),
    });
    console.log(`llama-server: ${located.path} (${located.origin})`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
