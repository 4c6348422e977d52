/**
 * On-demand benchmark of the JSON Schema → GBNF converter (not part of `npm test`):
 *
 * 1. conversion time for a 200-property object and for 50 tool schemas in one grammar;
 * 2. llama-server generating the same schema under our grammar (`grammar` field) and under its own
 *    converter (`json_schema` field), same server, same seeds, same run: tokens per answer,
 *    tokens/s (llama-server's `timings.predicted_per_second`) and wall time, with ratios.
 *
 * Run on demand: `npm run bench:grammar` (not part of `npm test`).
 * Uses the cached llama-server and tiny model of the test suite (provisioned when missing).
 */
import { performance } from 'node:perf_hooks';
import { ensureDemoModel } from '../src/demo/demo-model';
import { GbnfBuilder, schemaToGbnf } from '../src/grammar';
import { cacheRoot } from '../src/llama/cache-dir';
import { LlamaServerSupervisor } from '../src/llama/llama-server-supervisor';
import { locateLlamaServer } from '../src/llama/llama-server-locator';

const kinds = [
  { type: 'string', maxLength: 20 },
  { type: 'integer', minimum: 0, maximum: 1000 },
  { type: 'number', minimum: -1, maximum: 1 },
  { type: 'boolean' },
  { enum: ['low', 'medium', 'high'] },
  { type: 'array', items: { type: 'string', maxLength: 8 }, maxItems: 4 },
  { type: 'string', format: 'date' },
];

function wideObject(count: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) properties[`field_${i}`] = kinds[i % kinds.length];
  return { type: 'object', properties, required: Object.keys(properties).filter((_, i) => i % 3 === 0) };
}

function toolSchemas(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, t) => ({
    type: 'object',
    properties: Object.fromEntries(
      Array.from({ length: 3 + (t % 6) }, (_, p) => [`arg_${p}`, kinds[(t + p) % kinds.length]]),
    ),
    required: ['arg_0'],
    additionalProperties: false,
  }));
}

function timeIt(label: string, runs: number, f: () => void): number {
  f();
  const start = performance.now();
  for (let i = 0; i < runs; i++) f();
  const ms = (performance.now() - start) / runs;
  console.log(`${label}: ${ms.toFixed(2)} ms`);
  return ms;
}

interface Generation {
  tokens: number;
  tokensPerSecond: number;
  wallMs: number;
  truncated: boolean;
}

async function generate(baseUrl: string, constraint: Record<string, unknown>, seed: number): Promise<Generation> {
  const start = performance.now();
  const response = await fetch(`${baseUrl}/completion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'A person as JSON:', n_predict: 400, seed, temperature: 1, cache_prompt: true, ...constraint }),
  });
  const body = (await response.json()) as {
    tokens_predicted: number;
    stop_type: string;
    timings: { predicted_per_second: number };
  };
  if (!response.ok) throw new Error(`llama-server: ${JSON.stringify(body)}`);
  return {
    tokens: body.tokens_predicted,
    tokensPerSecond: body.timings.predicted_per_second,
    wallMs: performance.now() - start,
    truncated: body.stop_type === 'limit',
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function main(): Promise<void> {
  console.log('— conversion time');
  const wide = wideObject(200);
  timeIt('200-property object (schemaToGbnf)', 20, () => schemaToGbnf(wide));
  const tools = toolSchemas(50);
  timeIt('50 tool schemas in one grammar (GbnfBuilder)', 20, () => {
    const builder = new GbnfBuilder();
    const rules = tools.map((schema, i) => builder.addSchema(schema, `tool-${i}`));
    builder.build(rules.join(' | '));
  });

  console.log('— generation: our grammar vs llama-server json_schema (same server, same seeds)');
  const root = cacheRoot();
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const { path: binary } = await locateLlamaServer({ cacheRoot: root, explicitPath: process.env.LLAMA_SERVER, log });
  const model = await ensureDemoModel(root, log);
  const llama = new LlamaServerSupervisor({ binary, model, args: ['-c', '2048', '-np', '1'], healthTimeoutMs: 60_000 });
  await llama.start();
  try {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 12 },
        age: { type: 'integer', minimum: 0, maximum: 120 },
        active: { type: 'boolean' },
      },
      required: ['name', 'age', 'active'],
      additionalProperties: false,
    };
    const ours = { grammar: schemaToGbnf(schema) };
    const theirs = { json_schema: schema };
    const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
    const results: Record<'ours' | 'theirs', Generation[]> = { ours: [], theirs: [] };
    for (const seed of seeds) {
      // interleaved so that both see the same machine state
      results.ours.push(await generate(llama.baseUrl, ours, seed));
      results.theirs.push(await generate(llama.baseUrl, theirs, seed));
    }
    const summary = (name: 'ours' | 'theirs') => {
      const r = results[name];
      return {
        tokensPerAnswer: mean(r.map((g) => g.tokens)),
        tokensPerSecond: mean(r.map((g) => g.tokensPerSecond)),
        wallMs: mean(r.map((g) => g.wallMs)),
        truncated: r.filter((g) => g.truncated).length,
      };
    };
    const a = summary('ours');
    const b = summary('theirs');
    for (const [name, s] of [['ours (grammar)', a], ['llama.cpp (json_schema)', b]] as const) {
      console.log(
        `${name}: ${s.tokensPerAnswer.toFixed(1)} tokens/answer, ${s.tokensPerSecond.toFixed(1)} tokens/s, ` +
          `${s.wallMs.toFixed(0)} ms/answer, ${s.truncated}/${seeds.length} truncated at 400 tokens`,
      );
    }
    console.log(`ratio tokens/s (ours ÷ llama.cpp): ${(a.tokensPerSecond / b.tokensPerSecond).toFixed(2)}`);
    console.log(`ratio tokens/answer (ours ÷ llama.cpp): ${(a.tokensPerAnswer / b.tokensPerAnswer).toFixed(2)}`);
    console.log(`ratio wall time/answer (ours ÷ llama.cpp): ${(a.wallMs / b.wallMs).toFixed(2)}`);
  } finally {
    await llama.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
