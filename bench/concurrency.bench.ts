/**
 * Throughput under concurrency, ours vs raw llama-server: for 1, 4 and 16 concurrent clients, a
 * llama-server with as many slots (`-np` = clients, `-c` = 512 × clients, restarted per level) and
 * our service (`serve --endpoint`, its own process) in front of it. Each client sends the same
 * non-streamed plain chat request several times in a row; the direct side replays the exact
 * `POST /completion` body our service sends (captured through a recording proxy, without our
 * `id_slot`, so llama-server picks the slot as it does for any client). Ours and direct batches
 * alternate, with the same seeds, so both sides generate the same tokens.
 *
 * Throughput = completion tokens of a batch ÷ its wall time. Target (issue #7): ratio ≥ 0.95.
 *
 * Run on demand: `npm run build && npm run bench:concurrency` (not part of `npm test`).
 * The service is warmed up first (see `warmUp`), as a long-running server is.
 * Env: BENCH_ROUNDS (default 4 batches of 16 requests per side and level), BENCH_MAX_TOKENS (default 32),
 * BENCH_LEVELS (default "1,4,16"), BENCH_WARM_UP (default 3000).
 */
import { performance } from 'node:perf_hooks';
import { plainChat } from './support/cases';
import { postJson } from './support/http';
import { fmt, markdownTable, sum, verdict } from './support/stats';
import { benchAssets, directBody, machineReport, recordCompletionBodies, startLlamaServer, startService } from './support/stack';
import { warmUp } from './support/warm-up';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 32);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,4,16').split(',').map(Number);
const REQUESTS_PER_BATCH = 16;

interface Batch {
  tokens: number;
  ms: number;
}

/** `clients` concurrent loops, each sending `perClient` requests one after the other. */
async function batch(clients: number, perClient: number, send: (seed: number) => Promise<number>): Promise<Batch> {
  const start = performance.now();
  const tokens = await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let total = 0;
      for (let j = 0; j < perClient; j++) total += await send(1000 + client * 100 + j);
      return total;
    }),
  );
  return { tokens: sum(tokens), ms: performance.now() - start };
}

async function main(): Promise<void> {
  const assets = await benchAssets();
  const request = plainChat(MAX_TOKENS, 'Describe a busy harbour.');
  const rows: Array<Array<string | number>> = [];
  for (const clients of LEVELS) {
    const llama = await startLlamaServer(assets, ['-c', String(512 * clients), '-np', String(clients)]);
    try {
      const [recorded] = await recordCompletionBodies(assets, llama.baseUrl, async (service) => {
        await postJson(`${service.baseUrl}/v1/chat/completions`, { ...request, model: service.modelId, seed: 1 });
      });
      if (!recorded) throw new Error('no /completion body recorded');
      const service = await startService(assets, llama.baseUrl);
      try {
        await warmUp(service, [request]);
        const ours = async (seed: number) =>
          (await postJson<{ usage: { completion_tokens: number } }>(`${service.baseUrl}/v1/chat/completions`, { ...request, model: service.modelId, seed }))
            .body.usage.completion_tokens;
        const direct = async (seed: number) =>
          (await postJson<{ tokens_predicted: number }>(`${llama.baseUrl}/completion`, directBody(recorded, { seed }))).body.tokens_predicted;
        const perClient = Math.max(2, Math.ceil(REQUESTS_PER_BATCH / clients));
        await batch(clients, 1, ours);
        await batch(clients, 1, direct);
        const results = { ours: [] as Batch[], direct: [] as Batch[] };
        for (let round = 0; round < ROUNDS; round++) {
          if (round % 2 === 0) {
            results.ours.push(await batch(clients, perClient, ours));
            results.direct.push(await batch(clients, perClient, direct));
          } else {
            results.direct.push(await batch(clients, perClient, direct));
            results.ours.push(await batch(clients, perClient, ours));
          }
        }
        const rate = (side: Batch[]) => (sum(side.map((b) => b.tokens)) * 1000) / sum(side.map((b) => b.ms));
        const ratio = rate(results.ours) / rate(results.direct);
        rows.push([
          clients,
          `-np ${clients}`,
          clients * perClient * ROUNDS,
          `${sum(results.direct.map((b) => b.tokens))} / ${sum(results.ours.map((b) => b.tokens))}`,
          fmt(rate(results.direct), 1),
          fmt(rate(results.ours), 1),
          fmt(ratio, 3),
          verdict(ratio >= 0.95),
        ]);
      } finally {
        await service.stop();
      }
    } finally {
      await llama.stop();
    }
  }
  console.log(`\n### Concurrency (non-streamed plain chat, max_tokens ${MAX_TOKENS}, ${ROUNDS} batches per side)\n`);
  console.log(machineReport(assets));
  console.log();
  console.log(
    markdownTable(
      ['clients', 'llama-server', 'requests per side', 'tokens direct / ours', 'direct tokens/s', 'ours tokens/s', 'throughput ratio (ours ÷ direct)', 'target (≥ 0.95)'],
      rows,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
