import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ensureDemoModel } from '../../src/demo/demo-model';
import { cacheRoot } from '../../src/llama/cache-dir';
import { NODE_LLAMA_CPP_VERSION } from '../../src/llama/llama-cpp-source';
import { findFreePort } from '../../src/llama/free-port';
import { LlamaServerSupervisor } from '../../src/llama/llama-server-supervisor';
import { locateLlamaServer } from '../../src/llama/llama-server-locator';
import { RecordingProxy } from '../../test/support/recording-proxy';

/** The llama-server binary and tiny model every bench runs on (the test suite's cached ones). */
export interface BenchAssets {
  binary: string;
  model: string;
}

/** Our compiled CLI (`npm run build` first), or `$BENCH_CLI` (e.g. a snapshot of dist/). */
const CLI = process.env.BENCH_CLI ?? join(process.cwd(), 'dist', 'cli', 'main.js');

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Locates (or provisions) the cached llama-server and the tiny demo model. */
export async function benchAssets(): Promise<BenchAssets> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const root = cacheRoot();
  const { path: binary } = await locateLlamaServer({ cacheRoot: root, explicitPath: process.env.LLAMA_SERVER, log });
  const model = await ensureDemoModel(root, log);
  return { binary, model };
}

/** Machine and llama.cpp build the numbers were measured on, as Markdown lines. */
export function machineReport(assets: BenchAssets): string {
  const cpu = cpus();
  const infoFile = join(cacheRoot(), `node-llama-cpp-${NODE_LLAMA_CPP_VERSION}`, 'package', 'llama', 'llama.cpp.info.json');
  const tag = existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as { tag: string }).tag : 'unknown';
  const run = spawnSync(assets.binary, ['--version'], { encoding: 'utf8' });
  const versionLine = `${run.stdout}${run.stderr}`.split('\n').find((line) => line.startsWith('version:'));
  const version = versionLine?.slice('version:'.length).trim() ?? 'unknown';
  return [
    `- machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical cores, Node ${process.version}, ${process.platform}/${process.arch}`,
    `- llama.cpp: ${tag} (llama-server ${version})`,
    `- model: ${assets.model.split('/').pop()} (tiny random-weight fixture, CPU)`,
  ].join('\n');
}

/** A llama-server started for a bench (`-c`, `-np` and any other flag in `args`; `-t $BENCH_THREADS` when set). */
export async function startLlamaServer(assets: BenchAssets, args: string[]): Promise<LlamaServerSupervisor> {
  const threads = process.env.BENCH_THREADS ? ['-t', process.env.BENCH_THREADS] : [];
  const extra = process.env.BENCH_LLAMA_ARGS?.split(' ').filter(Boolean) ?? [];
  const llama = new LlamaServerSupervisor({
    binary: assets.binary,
    model: assets.model,
    args: [...args, ...threads, ...extra],
    healthTimeoutMs: 60_000,
  });
  await llama.start();
  return llama;
}

/** Our service, `serve --endpoint <llama-server>`, running as its own process. */
export interface ServiceProcess {
  baseUrl: string;
  /** The served model id (from `GET /v1/models`). */
  modelId: string;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/cli/main.js serve -m <model> --endpoint <endpoint> --port <free>` and waits for
 * `/health`, with its default settings (logging included). `$BENCH_SERVICE_NODE_ARGS` goes to node (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the service's time goes).
 */
export async function startService(assets: BenchAssets, endpoint: string): Promise<ServiceProcess> {
  const port = await findFreePort('127.0.0.1');
  const nodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, CLI, 'serve', '-m', assets.model, '--endpoint', endpoint, '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let output = '';
  const keepTail = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.stdout!.on('data', keepTail);
  child.stderr!.on('data', keepTail);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited || Date.now() > deadline) throw new Error(`the service did not become healthy:\n${output}`);
    const ok = await fetch(`${baseUrl}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const models = (await (await fetch(`${baseUrl}/v1/models`)).json()) as { data: Array<{ id: string }> };
  return {
    baseUrl,
    modelId: models.data[0]!.id,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}

/**
 * Runs `drive` against a short-lived service instance whose upstream is a recording proxy in front
 * of `endpoint`, and returns the exact `/completion` bodies the service sent, in order.
 */
export async function recordCompletionBodies(
  assets: BenchAssets,
  endpoint: string,
  drive: (service: ServiceProcess) => Promise<void>,
): Promise<Array<Record<string, unknown>>> {
  const proxy = new RecordingProxy(endpoint);
  const proxyUrl = await proxy.start();
  const service = await startService(assets, proxyUrl);
  try {
    await drive(service);
    return proxy.completionBodies();
  } finally {
    await service.stop();
    await proxy.stop();
  }
}

/**
 * A recorded `/completion` body as a raw llama-server client would send it: same prompt, grammar,
 * sampling and `cache_prompt`, with its own `seed`, and without our `id_slot` (a direct client
 * leaves slot choice to llama-server).
 */
export function directBody(recorded: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { id_slot: _slot, ...body } = recorded;
  return { ...body, ...overrides };
}
