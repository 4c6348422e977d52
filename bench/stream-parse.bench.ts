/**
 * On-demand benchmark of streamed tool-output parsing (not part of `npm test`): the
 * reparse-and-diff of `toolOutputEvents` run over long outputs in every tool-call format, fed in
 * 4-character chunks (about one token each), as llama-server streams them.
 *
 * Two outputs per format, each at 64 to 8192 chunks: content growing (the format's first recorded
 * sample with filler words inserted at its first space; for `generic`, its JSON `response`) and one
 * call whose string argument grows (the first recorded sample with a single call to `Paris`, that
 * name lengthened).
 * Prints the total milliseconds and the microseconds per chunk: flat per-chunk cost means the work
 * per token does not grow with the output.
 *
 * Run on demand: `npm run bench:stream-parse`.
 */
import { performance } from 'node:perf_hooks';
import { lastValueFrom, from, toArray } from 'rxjs';
import { toolOutputEvents } from '../src/chat/tool-output';
import { CompletionResult } from '../src/llama/completion-types';
import { FORMAT_SAMPLES, FormatSample } from '../src/tool-formats/format-samples';
import { FORMATS, ToolFormatName } from '../src/tool-formats';

const CHUNK_CHARS = 4;
const LENGTHS = [64, 512, 2048, 8192];
const REPEATS = 3;

function chunksOf(text: string): CompletionResult[] {
  const chunks: CompletionResult[] = [];
  for (let i = 0; i < text.length; i += CHUNK_CHARS) {
    chunks.push({ content: text.slice(i, i + CHUNK_CHARS), stop: false } as CompletionResult);
  }
  chunks.push({ content: '', stop: true, stop_type: 'eos' } as CompletionResult);
  return chunks;
}

function sample(name: ToolFormatName, pick: (sample: FormatSample) => boolean): FormatSample {
  const found = FORMAT_SAMPLES[name].find(pick);
  if (!found) throw new Error(`no sample for ${name}`);
  return found;
}

/** Output of about `chunks` chunks: the sample's text with `filler` repeated at `at`. */
function lengthened(text: string, at: number, filler: string, chunks: number): string {
  const extra = Math.max(0, chunks * CHUNK_CHARS - text.length);
  return text.slice(0, at) + filler.repeat(Math.ceil(extra / filler.length)) + text.slice(at);
}

async function millisecondsToStream(name: ToolFormatName, sampleOf: FormatSample, text: string): Promise<number> {
  const chunks = chunksOf(text);
  const noUsage = () => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  const operator = toolOutputEvents(FORMATS[name], noUsage, () => {}, sampleOf.context);
  let best = Infinity;
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const start = performance.now();
    const events = await lastValueFrom(from(chunks).pipe(operator, toArray()));
    best = Math.min(best, performance.now() - start);
    if (events[events.length - 1].type !== 'done') throw new Error(`${name}: the stream did not finish`);
  }
  return best;
}

async function main(): Promise<void> {
  console.log(`Streamed tool-output parsing, ${CHUNK_CHARS}-character chunks, best of ${REPEATS}; node ${process.version}`);
  console.log('| format | output | chunks | total ms | µs per chunk |');
  console.log('|---|---|---:|---:|---:|');
  for (const name of Object.keys(FORMATS) as ToolFormatName[]) {
    const content = name === 'generic' ? sample(name, (s) => s.text.startsWith('{"response"')) : FORMAT_SAMPLES[name][0];
    const call = sample(name, (s) => s.expected.toolCalls.length === 1 && !s.expected.truncatedCall && s.text.includes('Paris'));
    const outputs: Array<[string, FormatSample, (chunks: number) => string]> = [
      ['content', content, (chunks) => lengthened(content.text, content.text.indexOf(' '), ' lorem', chunks)],
      ['call', call, (chunks) => lengthened(call.text, call.text.indexOf('Paris'), 'abcd', chunks)],
    ];
    for (const [output, sampleOf, textOf] of outputs) {
      for (const chunks of LENGTHS) {
        const text = textOf(chunks);
        const ms = await millisecondsToStream(name, sampleOf, text);
        const count = Math.ceil(text.length / CHUNK_CHARS);
        console.log(`| ${name} | ${output} | ${count} | ${ms.toFixed(1)} | ${((ms * 1000) / count).toFixed(1)} |`);
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
