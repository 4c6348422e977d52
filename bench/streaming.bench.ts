/**
 * Streaming through our service vs raw llama-server: the same plain chat request streamed through
 * `POST /v1/chat/completions` (`stream: true`) on our service (`serve --endpoint`, its own process)
 * and the exact `POST /completion` body it sends (captured through a recording proxy) streamed
 * directly from the same llama-server process; interleaved pairs with a shared seed.
 *
 * Per side: time to first token (first event carrying text), token events seen, and streaming rate
 * = (token events − 1) ÷ (last token event − first token event). Our streaming must not buffer:
 * the same number of token events arrive on both sides, at the same rate.
 * Target (issue #7): tokens/s ratio (ours ÷ direct) ≥ 0.98.
 *
 * Run on demand: `npm run build && npm run bench:streaming` (not part of `npm test`).
 * The service is warmed up first (see `warmUp`), as a long-running server is.
 * Env: BENCH_PAIRS (default 20), BENCH_MAX_TOKENS (default 128), BENCH_WARM_UP (default 3000).
 */
import { plainChat } from './support/cases';
import { chatCarriesToken, directCarriesToken, postStream, TimedStream } from './support/http';
import { fmt, markdownTable, median, percentile, verdict } from './support/stats';
import { benchAssets, directBody, machineReport, recordCompletionBodies, startLlamaServer, startService } from './support/stack';
import { warmUp } from './support/warm-up';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 20);
const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 128);
const WARM_UP = 2;

interface StreamStats {
  ttftMs: number;
  tokenEvents: number;
  tokensPerSecond: number;
}

function streamStats(stream: TimedStream, carriesToken: (data: Record<string, unknown>) => boolean): StreamStats {
  const times = stream.events.filter((event) => carriesToken(event.data)).map((event) => event.atMs);
  const first = times[0] ?? NaN;
  const last = times[times.length - 1] ?? NaN;
  return {
    ttftMs: first,
    tokenEvents: times.length,
    tokensPerSecond: times.length > 1 ? ((times.length - 1) * 1000) / (last - first) : NaN,
  };
}

async function main(): Promise<void> {
  const assets = await benchAssets();
  const llama = await startLlamaServer(assets, ['-c', '2048', '-np', '1']);
  try {
    const request = { ...plainChat(MAX_TOKENS), stream: true };
    const [recorded] = await recordCompletionBodies(assets, llama.baseUrl, async (service) => {
      await postStream(`${service.baseUrl}/v1/chat/completions`, { ...request, model: service.modelId, seed: 1 });
    });
    if (!recorded) throw new Error('no /completion body recorded');

    const service = await startService(assets, llama.baseUrl);
    try {
      await warmUp(service, [request]);
      const ours = async (seed: number) =>
        streamStats(await postStream(`${service.baseUrl}/v1/chat/completions`, { ...request, model: service.modelId, seed }), chatCarriesToken);
      const direct = async (seed: number) =>
        streamStats(await postStream(`${llama.baseUrl}/completion`, directBody(recorded, { seed, stream: true })), directCarriesToken);
      const pair = async (seed: number, oursFirst: boolean) => {
        if (oursFirst) {
          const o = await ours(seed);
          return { o, d: await direct(seed) };
        }
        const d = await direct(seed);
        return { o: await ours(seed), d };
      };
      for (let i = 0; i < WARM_UP; i++) await pair(i, i % 2 === 0);
      const results: Array<{ o: StreamStats; d: StreamStats }> = [];
      for (let i = 0; i < PAIRS; i++) results.push(await pair(1000 + i, i % 2 === 0));

      const ttftAdded = results.map((r) => r.o.ttftMs - r.d.ttftMs);
      const sameEvents = results.filter((r) => r.o.tokenEvents === r.d.tokenEvents).length;
      const rate = (side: 'o' | 'd') => median(results.map((r) => r[side].tokensPerSecond));
      const ratio = rate('o') / rate('d');
      console.log(`\n### Streaming (plain chat, max_tokens ${MAX_TOKENS}, llama-server -np 1, ${PAIRS} pairs)\n`);
      console.log(machineReport(assets));
      console.log();
      console.log(
        markdownTable(
          ['side', 'TTFT median ms', 'TTFT p99 ms', 'token events (median)', 'tokens/s (median)'],
          (['d', 'o'] as const).map((side) => [
            side === 'd' ? 'llama-server /completion' : 'ours /v1/chat/completions',
            fmt(median(results.map((r) => r[side].ttftMs))),
            fmt(percentile(results.map((r) => r[side].ttftMs), 99)),
            median(results.map((r) => r[side].tokenEvents)),
            fmt(rate(side), 1),
          ]),
        ),
      );
      console.log();
      console.log(
        markdownTable(
          ['TTFT added median ms', 'TTFT added p99 ms', 'pairs with same token events', 'tokens/s ratio (ours ÷ direct)', 'target (≥ 0.98)'],
          [[fmt(median(ttftAdded)), fmt(percentile(ttftAdded, 99)), `${sameEvents}/${PAIRS}`, fmt(ratio, 3), verdict(ratio >= 0.98)]],
        ),
      );
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
