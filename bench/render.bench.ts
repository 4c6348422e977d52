/**
 * Render-time benchmark of the chat-template layer: a 50-turn conversation with tools (tool calls
 * with object arguments, parallel calls, tool results, reasoning) rendered by the five most complex
 * templates of the vendored corpus, each compiled once (as the server compiles a model's template
 * once) and then rendered repeatedly. Prints median and p99 render time in microseconds.
 *
 * Not part of `npm test`. Run on demand: `npm run bench:render`.
 *
 * "Most complex" = most Jinja tags (`{% %}` and `{{ }}`) in the source, among the templates that
 * render this conversation without raising.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ChatTemplate, ChatTemplateContext, ChatTemplateMessage, compileChatTemplate } from '../src/chat-template/chat-template';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'chat-templates');
const TURNS = 50;
const WARM_UP = 50;
const SAMPLES = 500;
const TEMPLATES = 5;

interface TemplateSpec {
  name: string;
  path?: string;
  source?: string;
  bos_token: string;
  eos_token: string;
}

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Get the current weather in a city.',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City name, e.g. "Paris"' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        },
        required: ['city'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'search_docs',
      description: 'Search the documentation.',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string' }, limit: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
        required: ['query'],
      },
    },
  },
];

/** 50 turns: user, then either a plain answer or tool calls (every third one parallel), results and an answer. */
function conversation(): ChatTemplateMessage[] {
  const messages: ChatTemplateMessage[] = [{ role: 'system', content: 'You are a helpful assistant with tools.' }];
  for (let turn = 0; turn < TURNS; turn++) {
    messages.push({ role: 'user', content: `Question ${turn}: what is the weather in city ${turn}? Use "quotes" and {braces}.` });
    if (turn % 2 === 0) {
      messages.push({ role: 'assistant', content: `Answer ${turn}: it is sunny — 21 °C.` });
      continue;
    }
    const calls = turn % 3 === 0 ? ['get_weather', 'search_docs'] : ['get_weather'];
    messages.push({
      role: 'assistant',
      content: '',
      tool_calls: calls.map((name, i) => ({
        id: `call${turn}x${i}`,
        type: 'function',
        function: { name, arguments: name === 'get_weather' ? { city: `City ${turn}`, unit: 'celsius' } : { query: `q${turn}`, limit: 3, tags: ['a', 'b'] } },
      })),
    });
    calls.forEach((name, i) => messages.push({ role: 'tool', tool_call_id: `call${turn}x${i}`, name, content: `{"result": ${turn}, "ok": true}` }));
    messages.push({ role: 'assistant', content: `Done with turn ${turn}.` });
  }
  messages.push({ role: 'user', content: 'Summarise everything.' });
  return messages;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function main(): void {
  const corpus = (JSON.parse(readFileSync(join(FIXTURES, 'corpus.json'), 'utf8')) as { templates: TemplateSpec[] }).templates;
  const messages = conversation();
  const candidates = corpus
    .map((spec) => {
      const source = spec.source ?? readFileSync(join(process.cwd(), spec.path ?? ''), 'utf8');
      return { spec, source, tags: (source.match(/\{%|\{\{/g) ?? []).length };
    })
    .sort((a, b) => b.tags - a.tags);
  const rows: string[][] = [];
  for (const { spec, source, tags } of candidates) {
    if (rows.length === TEMPLATES) break;
    const context: ChatTemplateContext = {
      messages,
      tools: TOOLS,
      add_generation_prompt: true,
      bos_token: spec.bos_token,
      eos_token: spec.eos_token,
    };
    const compileStart = performance.now();
    let template: ChatTemplate;
    let prompt: string;
    try {
      template = compileChatTemplate(source, { name: spec.name });
      prompt = template.render(context);
    } catch {
      continue;
    }
    const compileMs = performance.now() - compileStart;
    for (let i = 0; i < WARM_UP; i++) template.render(context);
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const start = performance.now();
      template.render(context);
      samples.push((performance.now() - start) * 1000);
    }
    samples.sort((a, b) => a - b);
    rows.push([
      spec.name,
      String(tags),
      String(prompt.length),
      compileMs.toFixed(1),
      percentile(samples, 0.5).toFixed(0),
      percentile(samples, 0.99).toFixed(0),
    ]);
  }
  const header = ['template', 'tags', 'prompt chars', 'compile+1st render ms', 'median µs', 'p99 µs'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  process.stdout.write(`render of a ${TURNS}-turn conversation with tools (${messages.length} messages), ${SAMPLES} samples each\n`);
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

main();
