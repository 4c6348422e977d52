/**
 * The floor under every ratio of the other benches: what any HTTP hop in front of llama-server
 * costs on this machine, whatever it does. A pass-through proxy (`support/pass-through-proxy.mjs`:
 * Node's http server and client, its own process, bytes piped untouched) in front of the same
 * llama-server, against llama-server directly, with the exact `/completion` bodies our service
 * sends for the overhead bench's plain chat (non-streamed) and the streaming bench's (streamed);
 * interleaved pairs with a shared seed.
 *
 * Prints the proxy's added latency (median, p99, e2e ratio) and its streaming tokens/s ratio: our
 * service's numbers cannot beat these, since it makes the same hop and does its work besides.
 *
 * Run on demand: `npm run build && npm run bench:proxy-floor` (not part of `npm test`).
 * Env: BENCH_PAIRS (default 40), BENCH_MAX_TOKENS (default 24 non-streamed; streamed 128).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { findFreePort } from '../src/llama/free-port';
import { plainChat } from './support/cases';
import { directCarriesToken, postJson, postStream } from './support/http';
import { fmt, markdownTable, median, percentile } from './support/stats';
import { benchAssets, directBody, machineReport, recordCompletionBodies, startLlamaServer } from './support/stack';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 40);
const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 24);
const STREAM_MAX_TOKENS = 128;
const WARM_UP = 3;

/** Runs `measure(base, seed)` for direct and proxied pairs (order alternating): `[direct, proxied]` values. */
async function pairs(direct: string, proxied: string, measure: (base: string, seed: number) => Promise<number>) {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < WARM_UP + PAIRS; i++) {
    const seed = 1000 + i;
    let d: number;
    let p: number;
    if (i % 2 === 0) {
      d = await measure(direct, seed);
      p = await measure(proxied, seed);
    } else {
      p = await measure(proxied, seed);
      d = await measure(direct, seed);
    }
    if (i >= WARM_UP) out.push([d, p]);
  }
  return out;
}

/** Tokens per second of one stream: (token events − 1) ÷ (last − first token event). */
async function streamRate(url: string, body: unknown): Promise<number> {
  const times = (await postStream(url, body)).events.filter((e) => directCarriesToken(e.data)).map((e) => e.atMs);
  return times.length > 1 ? ((times.length - 1) * 1000) / (times[times.length - 1]! - times[0]!) : NaN;
}

async function main(): Promise<void> {
  const assets = await benchAssets();
  const llama = await startLlamaServer(assets, ['-c', '2048', '-np', '1']);
  const port = await findFreePort('127.0.0.1');
  const proxy = spawn(process.execPath, [join(process.cwd(), 'bench', 'support', 'pass-through-proxy.mjs'), llama.baseUrl, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await once(proxy.stdout!, 'data');
    const proxied = `http://127.0.0.1:${port}`;
    const [plain, streamed] = await recordCompletionBodies(assets, llama.baseUrl, async (service) => {
      await postJson(`${service.baseUrl}/v1/chat/completions`, { ...plainChat(MAX_TOKENS), model: service.modelId, seed: 1 });
      await postStream(`${service.baseUrl}/v1/chat/completions`, { ...plainChat(STREAM_MAX_TOKENS), stream: true, model: service.modelId, seed: 1 });
    });
    if (!plain || !streamed) throw new Error('no /completion bodies recorded');

    const latency = await pairs(llama.baseUrl, proxied, async (base, seed) => (await postJson(`${base}/completion`, directBody(plain, { seed }))).ms);
    const rates = await pairs(llama.baseUrl, proxied, (base, seed) => streamRate(`${base}/completion`, directBody(streamed, { seed, stream: true })));

    const added = latency.map(([d, p]) => p - d);
    console.log(`\n### Proxy floor (a pass-through HTTP hop, its own process; ${PAIRS} pairs each)\n`);
    console.log(machineReport(assets));
    console.log();
    console.log(
      markdownTable(
        ['non-streamed max_tokens', 'direct median ms', 'proxied median ms', 'added median ms', 'added p99 ms', 'e2e ratio (median)', `streamed max_tokens`, 'direct tokens/s', 'proxied tokens/s', 'tokens/s ratio'],
        [[
          MAX_TOKENS,
          fmt(median(latency.map(([d]) => d))),
          fmt(median(latency.map(([, p]) => p))),
          fmt(median(added)),
          fmt(percentile(added, 99)),
          fmt(median(latency.map(([, p]) => p)) / median(latency.map(([d]) => d)), 3),
          STREAM_MAX_TOKENS,
          fmt(median(rates.map(([d]) => d)), 1),
          fmt(median(rates.map(([, p]) => p)), 1),
          fmt(median(rates.map(([, p]) => p)) / median(rates.map(([d]) => d)), 3),
        ]],
      ),
    );
  } finally {
    proxy.kill();
    await llama.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
