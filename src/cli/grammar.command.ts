import { loadRemoteDocuments, SchemaConversionError, schemaToGbnf } from '../grammar';

/** Options of `llama-tools-server grammar`. */
export interface GrammarCommandOptions {
  /** OpenAI strict mode: `additionalProperties` defaults to false instead of the spec's true. */
  strict: boolean;
  /** Whether documents the schema references outside itself are fetched (http and https URIs). */
  fetchRefs: boolean;
}

/** How long one referenced document may take to fetch, in ms. */
const FETCH_TIMEOUT_MS = 10_000;
/** The largest referenced document fetched, in bytes. */
const MAX_DOCUMENT_BYTES = 1 << 20;

/**
 * `llama-tools-server grammar`: reads one JSON Schema (JSON) on stdin and prints the GBNF grammar
 * (llama.cpp grammars/README.md) matching exactly its valid compact JSON texts on stdout. Stable
 * interface, used by external conformance runs:
 * - exit 0: grammar on stdout;
 * - exit 2: the schema is refused (a keyword it cannot enforce exactly, or an invalid one): one
 *   line on stderr, `unsupported schema: '<keyword>' at '<JSON Pointer>': <reason>` (issues joined
 *   with `; ` when there are several);
 * - exit 1: stdin is not JSON.
 *
 * Documents the schema references by an http(s) URI outside itself (`$ref`, `$dynamicRef`,
 * `$schema`) are fetched first, as JSON, like ajv's `loadSchema` (at most 32, 1 MiB and 10 s
 * each), unless `fetchRefs` is off; a failed fetch is named in the refusal it causes.
 */
export async function grammarCommand(options: GrammarCommandOptions): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  let schema: unknown;
  try {
    schema = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    process.stderr.write(`stdin is not JSON: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const remote = options.fetchRefs ? await loadRemoteDocuments(schema, fetchDocument) : undefined;
  try {
    const grammar = schemaToGbnf(schema, { additionalPropertiesDefault: !options.strict, remoteDocuments: remote?.documents });
    process.stdout.write(grammar);
  } catch (error) {
    if (!(error instanceof SchemaConversionError)) throw error;
    const fetchFailure = remote?.failure ? `; fetching a referenced document failed: ${remote.failure}` : '';
    process.stderr.write(`unsupported schema: ${error.message}${fetchFailure}`.replace(/\s*\n\s*/g, ' ') + '\n');
    process.exit(2);
  }
}

/**
 * The JSON document at `uri` (http or https only), fetched with Node's `fetch`.
 *
 * @throws Error naming the URI and the reason (scheme, network, status, size, timeout, not JSON)
 */
async function fetchDocument(uri: string): Promise<unknown> {
  const url = URL.canParse(uri) ? new URL(uri) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new Error(`'${uri}' is not an absolute http(s) URI`);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const part of response.body ?? []) {
      size += part.byteLength;
      if (size > MAX_DOCUMENT_BYTES) throw new Error(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
      parts.push(part);
    }
    return JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ` (${((error as Error).cause as Error).message})` : '';
    throw new Error(`'${uri}': ${(error as Error).message}${cause}`);
  }
}
