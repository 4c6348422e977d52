import OpenAI from 'openai';
import { findFreePort } from '../llama/free-port';
import { cacheRoot } from '../llama/cache-dir';
import { ensureDemoModel } from '../demo/demo-model';
import { startServer } from '../server';

/**
 * `npm run demo`: provisions llama-server, makes the tiny demo model, serves it, sends one chat
 * request through the official `openai` SDK, prints request and response, and exits (0 on
 * success, 1 with the reason otherwise).
 */
export async function demoCommand(): Promise<void> {
  const root = cacheRoot();
  const log = (message: string) => console.error(message);
  let app: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const model = await ensureDemoModel(root, log);
    const port = await findFreePort('127.0.0.1');
    app = await startServer({
      model,
      host: '127.0.0.1',
      port,
      ctxSize: 2048,
      llamaServer: process.env.LLAMA_SERVER,
      llamaServerArgs: [],
      toolsPromptStyle: 'json-schema',
      healthTimeoutMs: 600_000,
      timeoutMs: 600_000,
      shutdownGraceMs: 30_000,
      cacheDir: root,
      logLevel: 'warn',
    });
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'not-needed' });
    const request = {
      model: 'tiny-qwen2.5',
      messages: [
        { role: 'system' as const, content: 'You are a helpful assistant.' },
        { role: 'user' as const, content: 'Say hello in five words.' },
      ],
      max_tokens: 24,
      seed: 42,
    };
    console.log(`POST http://127.0.0.1:${port}/v1/chat/completions`);
    console.log(JSON.stringify(request, null, 2));
    const response = await client.chat.completions.create(request);
    console.log('\nresponse (random weights: the text is noise, the plumbing is real):');
    console.log(JSON.stringify(response, null, 2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  } finally {
    await app?.close();
  }
}
