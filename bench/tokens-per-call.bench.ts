/**
 * Completion tokens spent per tool call: our formats (our service, `serve --endpoint`, in front of a
 * plain llama-server) vs llama-server's own tool calling (`--jinja`, `POST /v1/chat/completions`)
 * on the same model, with the same tools, `tool_choice: "required"`, prompts and seeds. Each
 * answer's calls are checked: a valid call names one of the tools and its arguments are JSON
 * matching that tool's `parameters` (ajv).
 *
 * Run on demand: `npm run build && npm run bench:tokens-per-call` (not part of `npm test`).
 * Env: BENCH_PROMPTS (default 20), BENCH_MAX_TOKENS (default 128).
 */
import Ajv, { ValidateFunction } from 'ajv';
import { WEATHER_TOOLS } from './support/cases';
import { postJson } from './support/http';
import { fmt, markdownTable } from './support/stats';
import { benchAssets, machineReport, startLlamaServer, startService } from './support/stack';

const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 20);
const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 128);
const QUESTIONS = [
  'What is the weather in Paris?',
  'Is it raining in Oslo?',
  'What time is it in CET?',
  'Tell me the weather in Lima and the time in UTC.',
  'Should I take an umbrella in Paris today?',
];

interface ChatAnswer {
  choices: Array<{ finish_reason: string; message: { tool_calls?: Array<{ function: { name: string; arguments: string } }> } }>;
  usage: { completion_tokens: number };
}

interface SideResult {
  answers: number;
  answersWithValidCalls: number;
  calls: number;
  validCalls: number;
  completionTokens: number;
  /** Answers cut at `max_tokens` (`finish_reason: "length"`). */
  truncated: number;
  errors: number;
}

const ajv = new Ajv({ strict: false });
const validators = new Map<string, ValidateFunction>(
  WEATHER_TOOLS.map((tool) => [tool.function.name, ajv.compile(tool.function.parameters)]),
);

function isValidCall(call: { function: { name: string; arguments: string } }): boolean {
  const validate = validators.get(call.function.name);
  if (!validate) return false;
  try {
    return validate(JSON.parse(call.function.arguments));
  } catch {
    return false;
  }
}

async function run(url: string, model: string): Promise<SideResult> {
  const result: SideResult = { answers: 0, answersWithValidCalls: 0, calls: 0, validCalls: 0, completionTokens: 0, truncated: 0, errors: 0 };
  for (let i = 0; i < PROMPTS; i++) {
    const request = {
      model,
      messages: [
        { role: 'system', content: 'You are a helpful assistant with tools.' },
        { role: 'user', content: QUESTIONS[i % QUESTIONS.length] },
      ],
      tools: WEATHER_TOOLS,
      tool_choice: 'required',
      max_tokens: MAX_TOKENS,
      seed: 1000 + i,
    };
    try {
      const { body } = await postJson<ChatAnswer>(`${url}/v1/chat/completions`, request);
      const calls = body.choices[0]?.message.tool_calls ?? [];
      const valid = calls.filter(isValidCall).length;
      result.answers++;
      result.calls += calls.length;
      result.validCalls += valid;
      if (valid > 0 && valid === calls.length) result.answersWithValidCalls++;
      result.completionTokens += body.usage.completion_tokens;
      if (body.choices[0]?.finish_reason === 'length') result.truncated++;
    } catch (error) {
      result.errors++;
      process.stderr.write(`${(error as Error).message.slice(0, 300)}\n`);
    }
  }
  return result;
}

async function main(): Promise<void> {
  const assets = await benchAssets();
  const plain = await startLlamaServer(assets, ['-c', '2048', '-np', '1']);
  const jinja = await startLlamaServer(assets, ['-c', '2048', '-np', '1', '--jinja']);
  try {
    const service = await startService(assets, plain.baseUrl);
    let ours: SideResult;
    try {
      ours = await run(service.baseUrl, service.modelId);
    } finally {
      await service.stop();
    }
    const theirs = await run(jinja.baseUrl, 'model');
    const row = (name: string, r: SideResult) => [
      name,
      PROMPTS,
      r.errors,
      r.truncated,
      `${r.answersWithValidCalls}/${PROMPTS}`,
      `${r.validCalls}/${r.calls}`,
      fmt(r.completionTokens / Math.max(1, r.answers), 1),
      fmt(r.validCalls ? r.completionTokens / r.validCalls : NaN, 1),
    ];
    console.log(`\n### Tokens per tool call (tool_choice "required", max_tokens ${MAX_TOKENS}, ${WEATHER_TOOLS.length} tools)\n`);
    console.log(machineReport(assets));
    console.log();
    console.log(
      markdownTable(
        ['side', 'requests', 'errors', 'cut at max_tokens', 'answers with only valid calls', 'valid calls / calls', 'completion tokens per answer', 'completion tokens per valid call'],
        [row('ours (serve --endpoint)', ours), row('llama-server --jinja /v1/chat/completions', theirs)],
      ),
    );
    const perCall = (r: SideResult) => (r.validCalls ? r.completionTokens / r.validCalls : NaN);
    console.log(`\nratio tokens per valid call (ours ÷ llama-server --jinja): ${fmt(perCall(ours) / perCall(theirs), 3)}`);
  } finally {
    await plain.stop();
    await jinja.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
