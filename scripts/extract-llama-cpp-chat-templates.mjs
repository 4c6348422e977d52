#!/usr/bin/env node
/**
 * Vendors llama.cpp's chat-template corpus into test/fixtures/chat-templates/ (deterministic:
 * same llama.cpp tree in, same bytes out).
 *
 *   node scripts/extract-llama-cpp-chat-templates.mjs [LLAMA_CPP_DIR]
 *
 * LLAMA_CPP_DIR defaults to the llama.cpp source the service provisions,
 * `<cache>/llama.cpp-v0.5.0` (cache = $LLAMA_TOOLS_SERVER_CACHE, else
 * $XDG_CACHE_HOME/llama-tools-server, else ~/.cache/llama-tools-server). It reads:
 *   - every models/templates/*.jinja;
 *   - every tokenizer.chat_template* string of models/ggml-vocab-*.gguf (with the BOS/EOS token
 *     strings of that vocabulary), read with @huggingface/gguf;
 *   - the template strings of the test cases in tests/test-chat-template.cpp (with their
 *     bos_token/eos_token);
 *   - every test_template(t, name, template, vars, expect) call of tests/test-jinja.cpp (template
 *     and variables; the expected text is NOT taken: the Python oracle provides it).
 * C++ string literals and nlohmann::json initialisers are decoded by a small C++ tokenizer below.
 *
 * It writes:
 *   - templates/<name>.jinja   one file per distinct template text from models/templates and GGUFs;
 *   - corpus.json              every template of the corpus (files by path, test-chat-template.cpp
 *                              ones inline), with bos/eos tokens, origin, and the names of exact
 *                              duplicates that were folded into it; plus the project's own
 *                              templates (templates/*.jinja at the repository root: the ChatML
 *                              fallback and the fixed copies of broken model templates);
 *   - llama-cpp-jinja-tests.json   the test-jinja.cpp micro-tests as { name, group, template, variables }.
 * Stale .jinja files in templates/ are removed. Floats written as C++ floating literals keep a
 * fractional part in the JSON (`1.0`), so that Python reads them as floats.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gguf } from '@huggingface/gguf';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(repoRoot, 'test/fixtures/chat-templates');
const templatesDir = join(fixtures, 'templates');

/**
 * BOS/EOS strings of the tokenizers that ship the models/templates files (their
 * tokenizer_config.json), by template-name prefix, first match wins. Templates not listed use
 * llama.cpp test-chat-template's defaults, `<s>` and `</s>`.
 */
const SPECIAL_TOKENS = [
  ['Qwen', '', '<|im_end|>'],
  ['meta-llama-Llama-3', '<|begin_of_text|>', '<|eot_id|>'],
  ['NousResearch-Hermes-2-Pro', '<|begin_of_text|>', '<|im_end|>'],
  ['NousResearch-Hermes-3', '<|begin_of_text|>', '<|im_end|>'],
  ['fireworks-ai-llama-3', '<|begin_of_text|>', '<|eot_id|>'],
  ['meetkai-functionary', '<|begin_of_text|>', '<|eot_id|>'],
  ['deepseek-ai', '<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>'],
  ['llama-cpp-deepseek-r1', '<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>'],
  ['google-gemma', '<bos>', '<eos>'],
  ['CohereForAI', '<BOS_TOKEN>', '<|END_OF_TURN_TOKEN|>'],
  ['ibm-granite', '<|end_of_text|>', '<|end_of_text|>'],
  ['microsoft-Phi-3.5', '<s>', '<|endoftext|>'],
  ['openai-gpt-oss', '<|startoftext|>', '<|return|>'],
  ['HuggingFaceTB-SmolLM3', '<|im_start|>', '<|im_end|>'],
];

function cacheRoot() {
  if (process.env.LLAMA_TOOLS_SERVER_CACHE) return process.env.LLAMA_TOOLS_SERVER_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'llama-tools-server');
}

function specialTokens(name) {
  const hit = SPECIAL_TOKENS.find(([prefix]) => name.startsWith(prefix));
  return hit ? { bos_token: hit[1], eos_token: hit[2] } : { bos_token: '<s>', eos_token: '</s>' };
}

// ---------------------------------------------------------------------------------------------
// A C++ tokenizer sufficient for the two test files: comments, (raw/prefixed) string literals,
// char literals, numbers, identifiers (with ::) and punctuation.

const SIMPLE_ESCAPES = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/**
 * Decodes a C++ narrow (UTF-8) string literal body; `\x` and octal escapes are bytes. Returns null
 * when the bytes are not valid UTF-8 (such literals are only used by tests this script skips).
 */
function decodeCppString(body) {
  const bytes = [];
  const pushText = (text) => bytes.push(...Buffer.from(text, 'utf8'));
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      const code = body.codePointAt(i);
      const text = String.fromCodePoint(code);
      pushText(text);
      i += text.length - 1;
      continue;
    }
    const next = body[++i];
    if (next === 'x') {
      const hex = /^[0-9a-fA-F]+/.exec(body.slice(i + 1))[0];
      bytes.push(parseInt(hex, 16) & 0xff);
      i += hex.length;
    } else if (next === 'u' || next === 'U') {
      const width = next === 'u' ? 4 : 8;
      pushText(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + width), 16)));
      i += width;
    } else if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))[0];
      bytes.push(parseInt(oct, 8));
      i += oct.length - 1;
    } else if (next in SIMPLE_ESCAPES) {
      pushText(SIMPLE_ESCAPES[next]);
    } else if (next === '\n') {
      continue;
    } else {
      throw new Error(`unknown escape \\${next}`);
    }
  }
  const buffer = Buffer.from(bytes);
  const text = buffer.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buffer) ? text : null;
}

function tokenizeCpp(source) {
  const tokens = [];
  let i = 0;
  const line = () => source.slice(0, i).split('\n').length;
  while (i < source.length) {
    const rest = source.slice(i);
    let m;
    if ((m = /^\s+/.exec(rest))) {
      i += m[0].length;
    } else if (rest.startsWith('//')) {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (rest.startsWith('/*')) {
      i = source.indexOf('*/', i + 2) + 2;
    } else if ((m = /^(?:u8|u|U|L)?R"([^(\s]*)\(/.exec(rest))) {
      const close = `)${m[1]}"`;
      const end = source.indexOf(close, i + m[0].length);
      tokens.push({ type: 'string', value: source.slice(i + m[0].length, end), line: line() });
      i = end + close.length;
    } else if ((m = /^(?:u8|u|U|L)?"((?:[^"\\\n]|\\.)*)"/s.exec(rest))) {
      tokens.push({ type: 'string', value: decodeCppString(m[1]), line: line() });
      i += m[0].length;
    } else if ((m = /^'(?:[^'\\]|\\.)+'/.exec(rest))) {
      tokens.push({ type: 'char', value: m[0], line: line() });
      i += m[0].length;
    } else if ((m = /^(?:\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)[fFlL]?/.exec(rest))) {
      tokens.push({ type: 'float', value: m[0].replace(/[fFlL]$/, ''), line: line() });
      i += m[0].length;
    } else if ((m = /^(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*/.exec(rest))) {
      tokens.push({ type: 'int', value: m[0].replace(/[uUlL]+$/, ''), line: line() });
      i += m[0].length;
    } else if ((m = /^[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*/.exec(rest))) {
      tokens.push({ type: 'ident', value: m[0], line: line() });
      i += m[0].length;
    } else {
      tokens.push({ type: 'punct', value: source[i], line: line() });
      i += 1;
    }
  }
  return tokens;
}

const OPEN = { '(': ')', '{': '}', '[': ']' };

/** The index just past the bracket group opening at `start`. */
function skipGroup(tokens, start) {
  const stack = [];
  for (let i = start; i < tokens.length; i++) {
    const { type, value } = tokens[i];
    if (type !== 'punct') continue;
    if (value in OPEN) stack.push(OPEN[value]);
    else if (value === ')' || value === '}' || value === ']') {
      if (stack.pop() !== value) throw new Error(`unbalanced '${value}' on line ${tokens[i].line}`);
      if (stack.length === 0) return i + 1;
    }
  }
  throw new Error('unterminated group');
}

/** Splits the tokens strictly inside a bracket group (open at `start`) on top-level commas. */
function groupItems(tokens, start) {
  const end = skipGroup(tokens, start) - 1;
  const items = [];
  let current = [];
  for (let i = start + 1; i < end; i++) {
    const token = tokens[i];
    if (token.type === 'punct' && token.value in OPEN) {
      const next = skipGroup(tokens, i);
      current.push(...tokens.slice(i, next));
      i = next - 1;
    } else if (token.type === 'punct' && token.value === ',') {
      items.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) items.push(current);
  return items;
}

/** A string expression: adjacent literals, optionally wrapped in U8C(...) or std::string(...). */
function stringValue(tokens) {
  let list = tokens;
  if (list[0]?.type === 'ident' && ['U8C', 'std::string'].includes(list[0].value) && list[1]?.value === '(') {
    list = list.slice(2, -1);
  }
  if (list.length === 0 || !list.every((t) => t.type === 'string' && t.value !== null)) {
    throw new Error(`not a string literal on line ${tokens[0]?.line}: ${tokens.map((t) => t.value).join(' ')}`);
  }
  return list.map((t) => t.value).join('');
}

/** A float JSON value that must print with a fractional part (see writeJson). */
class JsonFloat {
  constructor(literal) {
    this.value = Number(literal);
  }
}

/**
 * nlohmann::json value of an initialiser expression: literals, `nullptr`, `json::object()`,
 * `json::array(...)`, `json(...)`, `json{...}` and braced lists (an object when every element is
 * a two-element braced list starting with a string, as nlohmann deduces; else an array).
 */
function jsonValue(tokens) {
  const [head] = tokens;
  if (tokens.length === 1 || (tokens.length === 2 && head.value === '-')) {
    const token = tokens[tokens.length - 1];
    const sign = tokens.length === 2 ? '-' : '';
    if (token.type === 'int') return Number(sign + token.value);
    if (token.type === 'float') return new JsonFloat(sign + token.value);
    if (token.type === 'ident' && token.value === 'true') return true;
    if (token.type === 'ident' && token.value === 'false') return false;
    if (token.type === 'ident' && token.value === 'nullptr') return null;
  }
  if (tokens.every((t) => t.type === 'string') || head.value === 'std::string') return stringValue(tokens);
  if (head.type === 'punct' && head.value === '{') return bracedValue(tokens, 0);
  if (head.type === 'ident' && tokens[1]?.value === '(' && ['json::object', 'json::array', 'json'].includes(head.value)) {
    const args = groupItems(tokens, 1);
    if (head.value === 'json::object') return {};
    if (head.value === 'json::array') {
      if (args.length === 0) return [];
      if (args.length !== 1 || args[0][0].value !== '{') throw new Error(`unsupported json::array on line ${head.line}`);
      return groupItems(args[0], 0).map(jsonValue);
    }
    if (args.length !== 1) throw new Error(`unsupported json(...) on line ${head.line}`);
    return jsonValue(args[0]);
  }
  if (head.type === 'ident' && head.value === 'json' && tokens[1]?.value === '{') return bracedValue(tokens, 1);
  throw new Error(`unsupported json initialiser on line ${head.line}: ${tokens.map((t) => t.value).join(' ')}`);
}

function bracedValue(tokens, start) {
  const items = groupItems(tokens, start);
  const isPair = (item) => item[0]?.value === '{' && skipGroup(item, 0) === item.length && groupItems(item, 0).length === 2 && groupItems(item, 0)[0].every((t) => t.type === 'string');
  if (items.every(isPair)) {
    const object = {};
    for (const item of items) {
      const [key, value] = groupItems(item, 0);
      object[stringValue(key)] = jsonValue(value);
    }
    return object;
  }
  return items.map(jsonValue);
}

// ---------------------------------------------------------------------------------------------

/** JSON text with 2-space indentation, floats keeping a fractional part (`1.0`). */
function writeJson(path, value) {
  const encode = (item, indent) => {
    if (item instanceof JsonFloat) {
      const text = JSON.stringify(item.value);
      return /[.eE]/.test(text) ? text : `${text}.0`;
    }
    if (Array.isArray(item)) {
      if (item.length === 0) return '[]';
      const inner = indent + '  ';
      return `[\n${item.map((child) => inner + encode(child, inner)).join(',\n')}\n${indent}]`;
    }
    if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item).filter(([, child]) => child !== undefined);
      if (entries.length === 0) return '{}';
      const inner = indent + '  ';
      return `{\n${entries.map(([k, child]) => `${inner}${JSON.stringify(k)}: ${encode(child, inner)}`).join(',\n')}\n${indent}}`;
    }
    return JSON.stringify(item);
  };
  writeFileSync(path, `${encode(value, '')}\n`);
}

function slug(text) {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The test cases of tests/test-chat-template.cpp: { name, template, bos_token, eos_token }. */
function chatTemplateTestCases(llamaDir) {
  const tokens = tokenizeCpp(readFileSync(join(llamaDir, 'tests/test-chat-template.cpp'), 'utf8'));
  const at = tokens.findIndex((t, i) => t.value === 'test_cases' && tokens[i - 1]?.value === '>' && tokens[i + 1]?.value === '{');
  if (at < 0) throw new Error('test_cases not found in test-chat-template.cpp');
  return groupItems(tokens, at + 1).map((fields) => {
    const values = groupItems(fields, 0);
    return {
      name: stringValue(values[0]),
      template: stringValue(values[1]),
      bos_token: values[4] ? stringValue(values[4]) : '',
      eos_token: values[5] ? stringValue(values[5]) : '',
    };
  });
}

/** The test_template(t, name, template, vars, expect) calls of tests/test-jinja.cpp. */
function jinjaTests(llamaDir) {
  const tokens = tokenizeCpp(readFileSync(join(llamaDir, 'tests/test-jinja.cpp'), 'utf8'));
  const tests = [];
  const seen = new Map();
  let group = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.value === 'void' && tokens[i + 1]?.type === 'ident' && tokens[i + 2]?.value === '(' && tokens[i - 1]?.value === 'static') {
      group = tokens[i + 1].value.replace(/^test_/, '');
    }
    if (token.value !== 'test_template' || tokens[i + 1]?.value !== '(') continue;
    const args = groupItems(tokens, i + 1);
    if (args.length !== 5 || args[0].length !== 1 || args[0][0].value !== 't' || args[1][0].type !== 'string') continue;
    const base = stringValue(args[1]);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    tests.push({
      name: count === 1 ? base : `${base} (${count})`,
      group,
      template: stringValue(args[2]),
      variables: jsonValue(args[3]),
    });
  }
  return tests;
}

async function ggufTemplates(llamaDir) {
  const modelsDir = join(llamaDir, 'models');
  const found = [];
  for (const file of readdirSync(modelsDir).filter((f) => /^ggml-vocab-.*\.gguf$/.test(f)).sort()) {
    const { metadata } = await gguf(join(modelsDir, file), { allowLocalFile: true });
    const tokens = metadata['tokenizer.ggml.tokens'];
    const tokenText = (key) => {
      const id = metadata[key];
      return Array.isArray(tokens) && id !== undefined ? tokens[Number(id)] : undefined;
    };
    const stem = basename(file, '.gguf');
    const keys = Object.keys(metadata)
      .filter((key) => (key === 'tokenizer.chat_template' || key.startsWith('tokenizer.chat_template.')) && typeof metadata[key] === 'string')
      .sort();
    for (const key of keys) {
      const variant = key.slice('tokenizer.chat_template'.length);
      found.push({
        name: `${stem}${variant}`,
        origin: `models/${file} ${key}`,
        text: metadata[key],
        bos_token: tokenText('tokenizer.ggml.bos_token_id') ?? '',
        eos_token: tokenText('tokenizer.ggml.eos_token_id') ?? '',
      });
    }
  }
  return found;
}

async function main() {
  const llamaDir = resolve(process.argv[2] ?? join(cacheRoot(), 'llama.cpp-v0.5.0'));
  const commit = execFileSync('git', ['-C', llamaDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

  const candidates = [];
  for (const file of readdirSync(join(llamaDir, 'models/templates')).filter((f) => f.endsWith('.jinja')).sort()) {
    const name = basename(file, '.jinja');
    candidates.push({ name, origin: `models/templates/${file}`, text: readFileSync(join(llamaDir, 'models/templates', file), 'utf8'), ...specialTokens(name), file: true });
  }
  for (const entry of await ggufTemplates(llamaDir)) candidates.push({ ...entry, file: true });
  for (const test of chatTemplateTestCases(llamaDir)) {
    candidates.push({
      name: `test-chat-template.${slug(test.name)}`,
      origin: `tests/test-chat-template.cpp "${test.name}"`,
      text: test.template,
      bos_token: test.bos_token,
      eos_token: test.eos_token,
      file: false,
    });
  }

  const byText = new Map();
  const templates = readdirSync(join(repoRoot, 'templates'))
    .filter((file) => file.endsWith('.jinja'))
    .sort()
    .map((file) => {
      const name = basename(file, '.jinja');
      const tokens = name === 'chatml' ? { bos_token: '', eos_token: '<|im_end|>' } : specialTokens(name);
      return { name, origin: `this project (templates/${file})`, path: `templates/${file}`, ...tokens };
    });
  mkdirSync(templatesDir, { recursive: true });
  const written = new Set();
  for (const candidate of candidates) {
    const kept = byText.get(candidate.text);
    if (kept !== undefined) {
      kept.duplicates = [...(kept.duplicates ?? []), candidate.origin];
      continue;
    }
    const entry = { name: candidate.name, origin: candidate.origin };
    if (candidate.file) {
      const fileName = `${candidate.name}.jinja`;
      writeFileSync(join(templatesDir, fileName), candidate.text);
      written.add(fileName);
      entry.path = `test/fixtures/chat-templates/templates/${fileName}`;
    } else {
      entry.source = candidate.text;
    }
    entry.bos_token = candidate.bos_token;
    entry.eos_token = candidate.eos_token;
    byText.set(candidate.text, entry);
    templates.push(entry);
  }
  for (const stale of readdirSync(templatesDir).filter((f) => f.endsWith('.jinja') && !written.has(f))) {
    rmSync(join(templatesDir, stale));
  }

  const source = { repository: 'https://github.com/ggml-org/llama.cpp', commit, license: 'MIT' };
  writeJson(join(fixtures, 'corpus.json'), {
    generator: 'scripts/extract-llama-cpp-chat-templates.mjs',
    source,
    templates,
  });
  const tests = jinjaTests(llamaDir);
  writeJson(join(fixtures, 'llama-cpp-jinja-tests.json'), {
    generator: 'scripts/extract-llama-cpp-chat-templates.mjs',
    source: { ...source, file: 'tests/test-jinja.cpp' },
    tests,
  });
  const folded = templates.reduce((n, t) => n + (t.duplicates?.length ?? 0), 0);
  process.stderr.write(
    `${templates.length} templates (${written.size} files, ${folded} exact duplicates folded), ${tests.length} test-jinja.cpp micro-tests\n`,
  );
}

await main();
