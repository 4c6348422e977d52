#!/usr/bin/env node
/**
 * Dev-time conformance measurement of the `grammar` CLI over the official JSON Schema Test Suite
 * (github.com/json-schema-org/JSON-Schema-Test-Suite, e.g. its tests/draft2020-12/ folder), with
 * llama.cpp's own GBNF engine (`test-gbnf-validator`) as judge: the same run as the issue's
 * "Judged by" section. Not part of `npm test`; the suite is not vendored.
 *
 * Usage (after `npm run build`):
 *   node scripts/measure-json-schema-test-suite.mjs <suite-dir> [--validator <path>] [--cli <main.js> | --command <exe>] [--remotes <dir>] [--verbose]
 *
 * For every test group of every `<suite-dir>/*.json` file (sub-folders such as optional/ are not
 * read): the schema goes to `node dist/cli/main.js grammar` (or `--cli <main.js>`, or the executable
 * `--command <exe>`, e.g. llama.cpp's converter built from `llama-cpp-json-schema-to-grammar.cpp`) on
 * stdin; exit 2 is a refusal (its stderr line names the keywords), which counts as rejecting every
 * instance. Otherwise each
 * instance, as compact `JSON.stringify` text, is judged by
 * `test-gbnf-validator <grammar> <input>` (default: the cached llama.cpp build,
 * ~/.cache/llama-tools-server/llama.cpp-v0.5.0/build/bin/test-gbnf-validator).
 *
 * `--remotes <dir>` serves the suite's `remotes/` folder at http://localhost:1234/ during the run, as
 * the suite's README asks of a runner (our CLI fetches the documents a schema references; without
 * the folder served, those references are refused).
 *
 * Prints per file and in total: invalid instances rejected / total (soundness), valid instances
 * accepted / total (completeness), and the refused keywords with the valid instances each refusal
 * lost. `--verbose` also lists every misjudged instance. Exit code 1 when any invalid instance
 * was accepted (unsound), else 0.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { basename, join, normalize } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const args = process.argv.slice(2);
const suiteDir = args.find((a, i) => !a.startsWith('--') && !['--validator', '--cli', '--command', '--remotes'].includes(args[i - 1]));
if (!suiteDir) {
  process.stderr.write('usage: measure-json-schema-test-suite.mjs <suite-dir> [--validator <path>] [--cli <main.js> | --command <exe>] [--remotes <dir>] [--verbose]\n');
  process.exit(64);
}
/** The value after `flag`, or `fallback`. */
const option = (flag, fallback) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : fallback);
const validator = option('--validator', join(homedir(), '.cache/llama-tools-server/llama.cpp-v0.5.0/build/bin/test-gbnf-validator'));
const cli = option('--cli', join(import.meta.dirname, '..', 'dist', 'cli', 'main.js'));
/** Another converter with the same interface (schema on stdin, GBNF on stdout, exit 2 on refusal). */
const command = option('--command', undefined);
const verbose = args.includes('--verbose');
/** The suite's remotes folder, served at http://localhost:1234/ while the run lasts. */
const remotes = option('--remotes', undefined);
const work = mkdtempSync(join(tmpdir(), 'jsts-measure-'));
/** Test groups converted and judged at once. */
const CONCURRENCY = 4;

/** Runs the grammar CLI on `schema`: `{ grammar }` or `{ refused: keyword[] }`. */
async function convert(schema) {
  const child = command ? execFile(command, [], { maxBuffer: 1 << 28 }) : execFile(process.execPath, [cli, 'grammar'], { maxBuffer: 1 << 28 });
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.end(JSON.stringify(schema));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code === 0) return { grammar: out.join('') };
  const line = err.join('');
  if (code !== 2) throw new Error(`grammar CLI exited ${code}: ${line}`);
  if (/the schema accepts no JSON value/.test(line)) return { refused: undefined, empty: true };
  const keywords = [...line.matchAll(/'([^']*)' at '/g)].map((m) => m[1]);
  return { refused: keywords.length > 0 ? [...new Set(keywords)] : ['?'], message: line.trim() };
}

/** Whether llama.cpp's GBNF engine accepts `text` under the grammar file `grammarPath`. */
async function accepts(grammarPath, text, n) {
  const input = join(work, `input-${n}.txt`);
  writeFileSync(input, text);
  const { stdout } = await run(validator, [grammarPath, input], { maxBuffer: 1 << 26 }).catch((e) => e);
  if (stdout?.includes('Input string is valid')) return true;
  if (stdout?.includes('Input string is invalid')) return false;
  throw new Error(`test-gbnf-validator did not judge ${text}: ${stdout}`);
}

const totals = { validAccepted: 0, valid: 0, invalidRejected: 0, invalid: 0 };
const refusals = new Map(); // keyword -> { groups, validLost }
const unsound = [];
let counter = 0;

/** Converts and judges one test group: per test, whether the grammar accepted its instance. */
async function judgeGroup(group) {
  const result = await convert(group.schema);
  if (result.grammar === undefined) return { result, accepted: group.tests.map(() => false) }; // refused or empty: rejects all
  const grammarPath = join(work, `grammar-${counter++}.gbnf`);
  writeFileSync(grammarPath, result.grammar);
  const accepted = await Promise.all(group.tests.map((test) => accepts(grammarPath, JSON.stringify(test.data), counter++)));
  return { result, accepted };
}

/** `judgeGroup` over `groups`, `CONCURRENCY` at a time, in order. */
async function judgeAll(groups) {
  const out = new Array(groups.length);
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const i = next++;
      out[i] = await judgeGroup(groups[i]);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return out;
}

/** Serves `dir`'s JSON files at http://localhost:1234/ (404 for anything else). */
async function serveRemotes(dir) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://localhost').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(join(dir, path));
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(1234, 'localhost', resolve));
  return server;
}

const remoteServer = remotes ? await serveRemotes(remotes) : undefined;
const files = readdirSync(suiteDir).filter((f) => f.endsWith('.json')).sort();
for (const file of files) {
  const groups = JSON.parse(readFileSync(join(suiteDir, file), 'utf8'));
  const t = { validAccepted: 0, valid: 0, invalidRejected: 0, invalid: 0 };
  const judged = await judgeAll(groups);
  groups.forEach((group, g) => {
    const { result, accepted } = judged[g];
    group.tests.forEach((test, i) => {
      if (test.valid) {
        t.valid++;
        if (accepted[i]) t.validAccepted++;
      } else {
        t.invalid++;
        if (!accepted[i]) t.invalidRejected++;
        else unsound.push(`${file}: ${group.description} / ${JSON.stringify(test.data)}`);
      }
      if (verbose && accepted[i] !== test.valid && !(result.refused && test.valid)) {
        process.stdout.write(`  MISJUDGED ${file}: ${group.description}: ${JSON.stringify(test.data)} (valid: ${test.valid})\n`);
      }
    });
    if (result.refused) {
      const lost = group.tests.filter((test) => test.valid).length;
      for (const keyword of result.refused) {
        const r = refusals.get(keyword) ?? { groups: 0, validLost: 0 };
        r.groups++;
        r.validLost += lost;
        refusals.set(keyword, r);
      }
      if (verbose) process.stdout.write(`  REFUSED ${file}: ${group.description}: ${result.message}\n`);
    }
  });
  for (const k of Object.keys(totals)) totals[k] += t[k];
  process.stdout.write(
    `${basename(file, '.json').padEnd(28)} invalid rejected ${t.invalidRejected}/${t.invalid}  valid accepted ${t.validAccepted}/${t.valid}\n`,
  );
}
rmSync(work, { recursive: true, force: true });
remoteServer?.close();

const pct = (a, b) => (b === 0 ? '100.0' : ((100 * a) / b).toFixed(1));
process.stdout.write(
  `\nTOTAL invalid rejected ${totals.invalidRejected}/${totals.invalid} (${pct(totals.invalidRejected, totals.invalid)}%)` +
    `  valid accepted ${totals.validAccepted}/${totals.valid} (${pct(totals.validAccepted, totals.valid)}%)\n`,
);
process.stdout.write('\nrefusals by keyword (groups, valid instances lost; a group may name several keywords):\n');
for (const [keyword, r] of [...refusals].sort((a, b) => b[1].validLost - a[1].validLost)) {
  process.stdout.write(`  ${keyword.padEnd(24)} ${String(r.groups).padStart(3)} groups  ${String(r.validLost).padStart(4)} valid lost\n`);
}
if (unsound.length > 0) {
  process.stdout.write(`\nUNSOUND: ${unsound.length} invalid instances accepted:\n${unsound.map((u) => `  ${u}\n`).join('')}`);
  process.exit(1);
}
