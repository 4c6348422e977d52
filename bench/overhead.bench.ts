/**
 * Overhead of our service over raw llama-server, non-streamed: the same chat requests through
 * `POST /v1/chat/completions` on our service (`serve --endpoint`, its own process) vs the exact
 * `POST /completion` body it sends (captured through a recording proxy), replayed directly to the
 * same llama-server process. Pairs are interleaved (order alternating) and share a seed, so both
 * sides generate the same tokens. Cases: plain chat, tools (`tool_choice: "required"`), `json_schema`.
 *
 * Prints, per case: median and p99 of the added latency per request (ours − direct, ms) and the
 * ratio of end-to-end medians. Targets (issue #7): added median < 2 ms, ratio ≤ 1.05.
 *
 * Run on demand: `npm run build && npm run bench:overhead` (not part of `npm test`).
 * The service is warmed up first (see `warmUp`), as a long-running server is.
 * Env: BENCH_PAIRS (default 40 per case), BENCH_MAX_TOKENS (default 24), BENCH_WARM_UP (default 3000).
 */
import { overheadCases } from './support/cases';
import { postJson } from './support/http';
import { fmt, markdownTable, median, percentile, verdict } from './support/stats';
import { benchAssets, directBody, machineReport, recordCompletionBodies, startLlamaServer, startService } from './support/stack';
import { warmUp } from './support/warm-up';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 40);
const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 24);
const WARM_UP = 3;

interface ChatAnswer {
  usage: { completion_tokens: number };
}
interface DirectAnswer {
  tokens_predicted: number;
}

async function main(): Promise<void> {
  const assets = await benchAssets();
  const llama = await startLlamaServer(assets, ['-c', '2048', '-np', '1']);
  try {
    const cases = overheadCases(MAX_TOKENS);
    const recorded = await recordCompletionBodies(assets, llama.baseUrl, async (service) => {
      for (const c of cases) {
        await postJson(`${service.baseUrl}/v1/chat/completions`, { ...c.request, model: service.modelId, seed: 1 });
      }
    });
    if (recorded.length !== cases.length) throw new Error(`recorded ${recorded.length} /completion bodies, expected ${cases.length}`);

    const service = await startService(assets, llama.baseUrl);
    try {
      await warmUp(service, cases.map((c) => c.request));
      const rows: Array<Array<string | number>> = [];
      let allMet = true;
      for (const [index, c] of cases.entries()) {
        const ours = (seed: number) =>
          postJson<ChatAnswer>(`${service.baseUrl}/v1/chat/completions`, { ...c.request, model: service.modelId, seed });
        const direct = (seed: number) => postJson<DirectAnswer>(`${llama.baseUrl}/completion`, directBody(recorded[index]!, { seed }));
        const pair = async (seed: number, oursFirst: boolean) => {
          if (oursFirst) {
            const o = await ours(seed);
            return { o, d: await direct(seed) };
          }
          const d = await direct(seed);
          return { o: await ours(seed), d };
        };
        for (let i = 0; i < WARM_UP; i++) await pair(i, i % 2 === 0);
        const added: number[] = [];
        const oursMs: number[] = [];
        const directMs: number[] = [];
        let sameTokens = 0;
        for (let i = 0; i < PAIRS; i++) {
          const { o, d } = await pair(1000 + i, i % 2 === 0);
          added.push(o.ms - d.ms);
          oursMs.push(o.ms);
          directMs.push(d.ms);
          if (o.body.usage.completion_tokens === d.body.tokens_predicted) sameTokens++;
        }
        const addedMedian = median(added);
        const ratio = median(oursMs) / median(directMs);
        const met = addedMedian < 2 && ratio <= 1.05;
        allMet &&= met;
        rows.push([
          c.name,
          PAIRS,
          `${sameTokens}/${PAIRS}`,
          fmt(median(directMs)),
          fmt(median(oursMs)),
          fmt(addedMedian),
          fmt(percentile(added, 99)),
          fmt(ratio, 3),
          verdict(met),
        ]);
      }
      console.log(`\n### Overhead (non-streamed, max_tokens ${MAX_TOKENS}, llama-server -np 1)\n`);
      console.log(machineReport(assets));
      console.log();
      console.log(
        markdownTable(
          ['case', 'pairs', 'same tokens', 'direct median ms', 'ours median ms', 'added median ms', 'added p99 ms', 'e2e ratio (median)', 'target (<2 ms, ≤1.05)'],
          rows,
        ),
      );
      console.log(`\nall overhead targets ${allMet ? 'met' : 'NOT met'}`);
    } finally {
      await service.stop();
    }
  } finally {
    await llama.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
