import { SchemaConversionError, schemaToGbnf } from '../grammar';

/** Options of `llama-tools-server grammar`. */
export interface GrammarCommandOptions {
  /** OpenAI strict mode: `additionalProperties` defaults to false instead of the spec's true. */
  strict: boolean;
}

/**
 * `llama-tools-server grammar`: reads one JSON Schema (JSON) on stdin and prints the GBNF grammar
 * (llama.cpp grammars/README.md) matching exactly its valid compact JSON texts on stdout. Stable
 * interface, used by external conformance runs:
 * - exit 0: grammar on stdout;
 * - exit 2: the schema is refused (a keyword it cannot enforce exactly, or an invalid one): one
 *   line on stderr, `unsupported schema: '<keyword>' at '<JSON Pointer>': <reason>` (issues joined
 *   with `; ` when there are several);
 * - exit 1: stdin is not JSON.
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
  try {
    process.stdout.write(schemaToGbnf(schema, { additionalPropertiesDefault: !options.strict }));
  } catch (error) {
    if (!(error instanceof SchemaConversionError)) throw error;
    process.stderr.write(`unsupported schema: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(2);
  }
}
