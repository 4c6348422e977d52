import { ParsedToolCall } from './tool-format';

/**
 * Where a JSON value starting at `start` ends (exclusive index), or `undefined` while `text` holds
 * only a prefix of it. Strings with escapes, nesting and scalars are followed per RFC 8259; the
 * text is assumed to be JSON (as a grammar produced it), so no other validation is done.
 * Leading whitespace is skipped.
 */
export function jsonValueEnd(text: string, start: number): number | undefined {
  let index = skipWhitespace(text, start);
  if (index >= text.length) return undefined;
  const first = text[index];
  if (first === '{' || first === '[') return containerEnd(text, index);
  if (first === '"') return stringEnd(text, index);
  const scalar = /^[-+0-9.eE]+|^true|^false|^null/.exec(text.slice(index));
  if (!scalar) return undefined;
  const end = index + scalar[0].length;
  return end < text.length ? end : undefined;
}

/** Runs of characters that neither open nor close a string or container (sticky). */
const STRUCTURE_FREE_RUN = /[^"{}[\]]*/y;

/*
 * Both scans run on every streamed token over all the arguments so far, so they skip runs
 * natively (a sticky regular expression, `indexOf`) instead of indexing a character at a time.
 */
function containerEnd(text: string, open: number): number | undefined {
  let depth = 0;
  let index = open;
  for (;;) {
    STRUCTURE_FREE_RUN.lastIndex = index;
    STRUCTURE_FREE_RUN.test(text);
    index = STRUCTURE_FREE_RUN.lastIndex;
    if (index >= text.length) return undefined;
    const char = text[index];
    if (char === '"') {
      const end = stringEnd(text, index);
      if (end === undefined) return undefined;
      index = end;
      continue;
    }
    depth += char === '{' || char === '[' ? 1 : -1;
    index++;
    if (depth === 0) return index;
  }
}

/** Past the quote closing the string opened at `open`: the first quote after an even run of backslashes. */
function stringEnd(text: string, open: number): number | undefined {
  for (let quote = text.indexOf('"', open + 1); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (quote - backslashes - 1 > open && text[quote - backslashes - 1] === '\\') backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  return undefined;
}

/** Index of the first non-whitespace character at or after `start` (JSON whitespace). */
export function skipWhitespace(text: string, start: number): number {
  let index = start;
  while (index < text.length && ' \t\n\r'.includes(text[index])) index++;
  return index;
}

/**
 * The longest suffix of `text` that is a proper prefix of `marker`: text that must be held back
 * while streaming because it may turn out to be the start of the marker.
 */
export function partialMarkerSuffix(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (marker.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}

/**
 * How expected text matches at a position: the index just past it, `'partial'` when the text ends
 * while still consistent with it (wait for more while streaming), or `'mismatch'`.
 */
export type ScanResult = number | 'partial' | 'mismatch';

/** Matches `literal` exactly at `start`. */
export function matchLiteral(text: string, start: number, literal: string): ScanResult {
  const available = text.slice(start, start + literal.length);
  if (available === literal) return start + literal.length;
  return available.length < literal.length && literal.startsWith(available) ? 'partial' : 'mismatch';
}

/** Matches each of `tokens` in turn from `start`, JSON whitespace allowed before each. */
export function matchTokens(text: string, start: number, tokens: readonly string[]): ScanResult {
  let index = start;
  for (const token of tokens) {
    const matched = matchLiteral(text, skipWhitespace(text, index), token);
    if (typeof matched !== 'number') return matched;
    index = matched;
  }
  return index;
}

const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"$/;

/** The value of the complete JSON string at `start` (after JSON whitespace), or why there is none. */
export function readJsonString(text: string, start: number): { value: string; end: number } | 'partial' | 'mismatch' {
  const index = skipWhitespace(text, start);
  if (index >= text.length) return 'partial';
  if (text[index] !== '"') return 'mismatch';
  const end = jsonValueEnd(text, index);
  if (end === undefined) return 'partial';
  const literal = text.slice(index, end);
  return JSON_STRING.test(literal) ? { value: JSON.parse(literal) as string, end } : 'mismatch';
}

/** The head of a JSON call object: its name and where its arguments value starts. */
export interface CallHead {
  name: string;
  argumentsStart: number;
}

/**
 * Reads `{"name": "NAME", "<argumentsKey>": ` at `start` (JSON whitespace allowed between tokens),
 * the envelope of Llama 3.x (`parameters`), Mistral Nemo and the generic format (`arguments`).
 */
export function readCallHead(text: string, start: number, argumentsKey: string): CallHead | 'partial' | 'mismatch' {
  const afterKey = matchTokens(text, start, ['{', '"name"', ':']);
  if (typeof afterKey !== 'number') return afterKey;
  const name = readJsonString(text, afterKey);
  if (typeof name !== 'object') return name;
  const afterArgumentsKey = matchTokens(text, name.end, [',', JSON.stringify(argumentsKey), ':']);
  if (typeof afterArgumentsKey !== 'number') return afterArgumentsKey;
  return { name: name.value, argumentsStart: skipWhitespace(text, afterArgumentsKey) };
}

/** One call read from markup: not even named yet, named but unfinished, or finished (`end` after it). */
export type CallRead =
  | { state: 'unnamed' }
  | { state: 'open'; call: ParsedToolCall }
  | { state: 'done'; call: ParsedToolCall; end: number };

/**
 * Reads the call object at `start`: `{"name": …, "<argumentsKey>": …}`, with `idKey` also an
 * optional string member after the arguments that becomes the call's `id`.
 */
export function readJsonCall(text: string, start: number, argumentsKey: string, idKey?: string): CallRead {
  const head = readCallHead(text, start, argumentsKey);
  if (typeof head !== 'object') return { state: 'unnamed' };
  const argsEnd = jsonValueEnd(text, head.argumentsStart);
  const call: ParsedToolCall = { name: head.name, arguments: text.slice(head.argumentsStart, argsEnd ?? text.length) };
  if (argsEnd === undefined) return { state: 'open', call };
  let objectEnd = argsEnd;
  if (idKey !== undefined) {
    const idStart = matchTokens(text, argsEnd, [',', JSON.stringify(idKey), ':']);
    if (idStart === 'partial') return { state: 'open', call };
    if (typeof idStart === 'number') {
      const id = readJsonString(text, idStart);
      if (typeof id !== 'object') return { state: 'open', call };
      call.id = id.value;
      objectEnd = id.end;
    }
  }
  const end = matchTokens(text, objectEnd, ['}']);
  return typeof end === 'number' ? { state: 'done', call, end } : { state: 'open', call };
}

/**
 * The calls of the JSON array of call objects (see `readJsonCall`) starting at `start`. While
 * streaming, an unfinished last call is returned as far as it goes; when `final` it is dropped and
 * `truncatedCall` set, as when the array does not even start.
 */
export function readJsonCalls(
  text: string,
  start: number,
  final: boolean,
  argumentsKey: string,
  idKey?: string,
): { toolCalls: ParsedToolCall[]; truncatedCall: boolean } {
  const toolCalls: ParsedToolCall[] = [];
  let cursor = matchTokens(text, start, ['[']);
  let truncatedCall = typeof cursor !== 'number' && final;
  while (typeof cursor === 'number') {
    const read = readJsonCall(text, cursor, argumentsKey, idKey);
    if (read.state !== 'done') {
      if (final) truncatedCall = true;
      else if (read.state === 'open') toolCalls.push(read.call);
      break;
    }
    toolCalls.push(read.call);
    cursor = matchTokens(text, read.end, [',']);
  }
  return { toolCalls, truncatedCall };
}

/**
 * Visible content of `text` from `from` up to the first `marker`: everything before it (trailing
 * whitespace dropped, as before a call), or, with no marker, all of it when `final` and otherwise
 * all but a possible start of the marker and trailing whitespace (both may still precede a call).
 * `markerAt` is the marker's index, or -1.
 */
export function contentBefore(
  text: string,
  from: number,
  marker: string,
  final: boolean,
): { content: string; markerAt: number } {
  const markerAt = text.indexOf(marker, from);
  if (markerAt >= 0) return { content: text.slice(from, markerAt).trimEnd(), markerAt };
  if (final) return { content: text.slice(from), markerAt };
  return { content: text.slice(from, text.length - partialMarkerSuffix(text, marker)).trimEnd(), markerAt };
}
