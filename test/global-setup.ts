import { ensureDemoModel } from '../src/demo/demo-model';
import { cacheRoot } from '../src/llama/cache-dir';
import { buildLlamaCppTarget } from '../src/llama/llama-cpp-build';
import { ensureLlamaCppSource } from '../src/llama/llama-cpp-source';
import { locateLlamaServer } from '../src/llama/llama-server-locator';
import { publishTestAssets } from './support/test-assets';

/**
 * Runs once before all suites: provisions llama-server (a cached or user-supplied binary is reused;
 * otherwise it is built, printing ninja's progress), then llama.cpp's `test-gbnf-validator` in the
 * same build directory (after llama-server, never two builds at once), and the tiny test model, all
 * in the cache.
 */
export default async function globalSetup(): Promise<void> {
  const root = cacheRoot();
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const source = await ensureLlamaCppSource(root, log);
  const { path: llamaServer } = await locateLlamaServer({
    cacheRoot: root,
    explicitPath: process.env.LLAMA_SERVER,
    log,
    onBuildProgress: (done, total) => process.stderr.write(`llama-server build [${done}/${total}]\n`),
  });
  const gbnfValidator = await buildLlamaCppTarget(
    source,
    'test-gbnf-validator',
    (done, total) => process.stderr.write(`test-gbnf-validator build [${done}/${total}]\n`),
    log,
  );
  const model = await ensureDemoModel(root, log);
  publishTestAssets({ llamaServer, model, llamaCppDir: source.dir, gbnfValidator });
}
