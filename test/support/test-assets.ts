import { join } from 'node:path';

/**
 * Paths the end-to-end suites share, prepared once by `test/global-setup.ts` and handed to the
 * workers through the environment.
 */
export interface TestAssets {
  /** llama-server binary (located or built, cached by llama.cpp tag). */
  llamaServer: string;
  /** The tiny random-weight qwen2 model with the Qwen2.5 chat template. */
  model: string;
  /** The llama.cpp source checkout (templates, vocab files). */
  llamaCppDir: string;
  /** llama.cpp's `test-gbnf-validator` (`<binary> <grammar-file> <input-file>`), built from the same source. */
  gbnfValidator: string;
  /** The service's compiled CLI entry point. */
  cli: string;
}

const ENV = {
  llamaServer: 'LTS_TEST_LLAMA_SERVER',
  model: 'LTS_TEST_MODEL',
  llamaCppDir: 'LTS_TEST_LLAMA_CPP_DIR',
  gbnfValidator: 'LTS_TEST_GBNF_VALIDATOR',
} as const;

/** Records the assets for the workers (called by the global setup). */
export function publishTestAssets(assets: Omit<TestAssets, 'cli'>): void {
  process.env[ENV.llamaServer] = assets.llamaServer;
  process.env[ENV.model] = assets.model;
  process.env[ENV.llamaCppDir] = assets.llamaCppDir;
  process.env[ENV.gbnfValidator] = assets.gbnfValidator;
}

/** The assets prepared by the global setup; throws when it has not run. */
export function testAssets(): TestAssets {
  const read = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the suite through jest's global setup`);
    return value;
  };
  return {
    llamaServer: read(ENV.llamaServer),
    model: read(ENV.model),
    llamaCppDir: read(ENV.llamaCppDir),
    gbnfValidator: read(ENV.gbnfValidator),
    cli: join(__dirname, '..', '..', 'dist', 'cli', 'main.js'),
  };
}
