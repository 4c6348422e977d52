/**
 * A 10-turn tool-calling agent loop (call → tool result → call …, history growing every turn),
 * ours vs raw llama-server, showing prompt-cache reuse. The conversation is first driven once
 * through a short-lived instance of our service behind a recording proxy: that fixes every turn's
 * messages and the exact `POST /completion` body (rendered prompt, grammar, `cache_prompt: true`).
 * Then, per repetition, from an empty KV cache (slots erased, `--cache-ram 0`), all 10 turns are
 * streamed through our service (`serve --endpoint`, its own process), and all 10 recorded bodies
 * are streamed directly to the same llama-server process; the side that goes first alternates.
 *
 * Per turn: time to first token, prompt tokens and the
 * tokens llama-server reused from its cache (`timings.cache_n` direct; `usage.prompt_tokens_details.
 * cached_tokens`, which is our copy of `cache_n`, through us). Our first token of a tool call is
 * its first `tool_calls` delta, which carries the function name, so it is compared with the moment
 * the name is complete in llama-server's raw text (the first raw token, `<tool_call>`, is shown
 * too). Target (issue #7): turn-10 time to first token through us no worse than direct.
 *
 * Run on demand: `npm run build && npm run bench:agent-loop` (not part of `npm test`).
 * The service is warmed up first (see `warmUp`), as a long-running server is.
 * Env: BENCH_REPEATS (default 3), BENCH_TURNS (default 10), BENCH_WARM_UP (default 3000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEATHER_TOOLS } from './support/cases';
import { chatCarriesToken, directCarriesToken, firstTokenMs, postJson, postStream, TimedStream } from './support/http';
import { fmt, markdownTable, median, verdict } from './support/stats';
import { benchAssets, directBody, machineReport, recordCompletionBodies, startLlamaServer, startService } from './support/stack';
import { warmUp } from './support/warm-up';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const TURNS = Number(process.env.BENCH_TURNS ?? 10);
const MAX_TOKENS = 64;
const CITIES = ['Paris', 'Oslo', 'Lima'];
/** A tool call's name is complete in the raw text (the JSON call shape of the model's format). */
const NAMED = /"name"\s*:\s*"[^"]+"/;

type Message = Record<string, unknown>;
interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface TurnSample {
  ttftMs: number;
  /** When a client could first know which tool is called (ours: first tool-call delta; direct: name complete in the text). */
  callNameMs: number;
  promptTokens: number;
  cachedTokens: number;
}

const request = (messages: Message[]) => ({ messages, tools: WEATHER_TOOLS, tool_choice: 'required', max_tokens: MAX_TOKENS });

/** What the tool "returns" for a call (deterministic, so every pass sees the same history). */
function toolResult(call: ToolCall, turn: number): string {
  return JSON.stringify({ call: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown, result: `reading ${turn}`, temperature_c: 10 + turn });
}

function lastEvent(stream: TimedStream): Record<string, unknown> {
  return stream.events[stream.events.length - 1]?.data ?? {};
}

async function main(): Promise<void> {
  const assets = await benchAssets();
  const slotDir = mkdtempSync(join(tmpdir(), 'lts-bench-slots-'));
  const llama = await startLlamaServer(assets, ['-c', '4096', '-np', '1', '--cache-ram', '0', '--slot-save-path', slotDir]);
  try {
    // 1. drive the conversation once, through a recording proxy: each turn's messages and body
    const turnMessages: Message[][] = [];
    const recorded = await recordCompletionBodies(assets, llama.baseUrl, async (service) => {
      const messages: Message[] = [
        { role: 'system', content: 'You are a weather agent. Always call a tool.' },
        { role: 'user', content: `Check the weather in ${CITIES.join(', ')} and the time in UTC, one call at a time, then keep monitoring.` },
      ];
      for (let turn = 1; turn <= TURNS; turn++) {
        turnMessages.push([...messages]);
        const { body } = await postJson<{ choices: Array<{ message: { content: string | null; tool_calls?: ToolCall[] } }> }>(
          `${service.baseUrl}/v1/chat/completions`,
          { ...request(messages), model: service.modelId, seed: 1000 + turn },
        );
        const calls = body.choices[0]!.message.tool_calls ?? [];
        if (calls.length === 0) throw new Error(`turn ${turn}: no tool call in ${JSON.stringify(body)}`);
        messages.push({ role: 'assistant', content: body.choices[0]!.message.content, tool_calls: calls });
        for (const call of calls) messages.push({ role: 'tool', tool_call_id: call.id, content: toolResult(call, turn) });
      }
    });
    if (recorded.length !== TURNS) throw new Error(`recorded ${recorded.length} /completion bodies, expected ${TURNS}`);

    const eraseCache = async () => {
      const response = await fetch(`${llama.baseUrl}/slots/0?action=erase`, { method: 'POST' });
      if (!response.ok) throw new Error(`slot erase failed: ${await response.text()}`);
    };

    const service = await startService(assets, llama.baseUrl);
    try {
      await warmUp(service, turnMessages.map(request));
      const ours = async (turn: number): Promise<TurnSample> => {
        const stream = await postStream(`${service.baseUrl}/v1/chat/completions`, {
          ...request(turnMessages[turn - 1]!),
          model: service.modelId,
          seed: 1000 + turn,
          stream: true,
          stream_options: { include_usage: true },
        });
        const usage = lastEvent(stream).usage as { prompt_tokens: number; prompt_tokens_details?: { cached_tokens?: number } };
        const ttftMs = firstTokenMs(stream, chatCarriesToken);
        return { ttftMs, callNameMs: ttftMs, promptTokens: usage.prompt_tokens, cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? NaN };
      };
      const direct = async (turn: number): Promise<TurnSample> => {
        const stream = await postStream(`${llama.baseUrl}/completion`, directBody(recorded[turn - 1]!, { seed: 1000 + turn, stream: true }));
        const final = lastEvent(stream) as { tokens_evaluated?: number; timings?: { prompt_n: number; cache_n: number } };
        let text = '';
        const named = stream.events.find((event) => NAMED.test((text += (event.data.content as string | undefined) ?? '')));
        return {
          ttftMs: firstTokenMs(stream, directCarriesToken),
          callNameMs: named?.atMs ?? NaN,
          promptTokens: final.tokens_evaluated ?? (final.timings ? final.timings.prompt_n + final.timings.cache_n : NaN),
          cachedTokens: final.timings?.cache_n ?? NaN,
        };
      };
      const conversation = async (side: (turn: number) => Promise<TurnSample>) => {
        await eraseCache();
        const samples: TurnSample[] = [];
        for (let turn = 1; turn <= TURNS; turn++) samples.push(await side(turn));
        return samples;
      };
      await conversation(ours);
      await conversation(direct);
      const runs = { ours: [] as TurnSample[][], direct: [] as TurnSample[][] };
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        if (repeat % 2 === 0) {
          runs.ours.push(await conversation(ours));
          runs.direct.push(await conversation(direct));
        } else {
          runs.direct.push(await conversation(direct));
          runs.ours.push(await conversation(ours));
        }
      }
      const at = (side: TurnSample[][], turn: number, key: keyof TurnSample) => median(side.map((samples) => samples[turn - 1]![key]));
      const rows = Array.from({ length: TURNS }, (_, i) => {
        const turn = i + 1;
        const d = at(runs.direct, turn, 'callNameMs');
        const o = at(runs.ours, turn, 'callNameMs');
        return [
          turn,
          at(runs.direct, turn, 'promptTokens'),
          at(runs.direct, turn, 'cachedTokens'),
          at(runs.ours, turn, 'cachedTokens'),
          fmt(at(runs.direct, turn, 'ttftMs')),
          fmt(d),
          fmt(o),
          fmt(o - d),
          fmt(o / d, 3),
        ];
      });
      const last = rows[rows.length - 1]!;
      console.log(`\n### Agent loop (${TURNS} tool-calling turns, streamed, llama-server -np 1, median of ${REPEATS} conversations)\n`);
      console.log(machineReport(assets));
      console.log();
      console.log(
        markdownTable(
          [
            'turn',
            'prompt tokens',
            'direct cache_n',
            'ours cached_tokens',
            'direct first token ms',
            'direct call name ms',
            'ours first tool-call delta ms',
            'added ms',
            'ratio (ours ÷ direct call name)',
          ],
          rows,
        ),
      );
      const ratio = Number(last[8]);
      console.log(
        `\nturn-${TURNS} time to first tool-call token, ours ÷ direct (call name complete): ${last[8]} — target (≤ 1.00): ${verdict(ratio <= 1)}`,
      );
    } finally {
      await service.stop();
    }
  } finally {
    await llama.stop();
    rmSync(slotDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
