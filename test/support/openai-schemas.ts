import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Validation of server output against OpenAI's own response schemas.
 *
 * Source: OpenAI's OpenAPI 3.1 spec (openai/openai-openapi, commit f85dbe22, 2026-08-21, MIT),
 * vendored as the JSON Schema 2020-12 document `test/fixtures/openai/schemas.json` by
 * `node scripts/vendor-openai-schemas.mjs` (see `test/fixtures/openai/README.md`). The
 * document's `x-source` field records the exact commit and the sha256 of the spec it came from.
 */

/** Path of the vendored schema document (`{ $schema, $id, x-source, $defs: { Name: schema } }`). */
export const OPENAI_SCHEMAS_PATH = join(__dirname, '../fixtures/openai/schemas.json');

/** The top-level response schemas that can be validated against (keys of `$defs`). */
export const OPENAI_SCHEMA_NAMES = [
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  'CreateCompletionResponse',
  'CreateEmbeddingResponse',
  'ErrorResponse',
  'ListModelsResponse',
  'Response',
  'ResponseStreamEvent',
] as const;

/**
 * One of the vendored OpenAI response schemas:
 * - `CreateChatCompletionResponse`: a non-streamed `POST /v1/chat/completions` body;
 * - `CreateChatCompletionStreamResponse`: one `data:` chunk of a streamed chat completion;
 * - `CreateCompletionResponse`: a `POST /v1/completions` body;
 * - `CreateEmbeddingResponse`: a `POST /v1/embeddings` body;
 * - `ErrorResponse`: any error body, `{ error: { message, type, param, code } }`;
 * - `ListModelsResponse`: a `GET /v1/models` body;
 * - `Response`: a non-streamed `POST /v1/responses` body;
 * - `ResponseStreamEvent`: one `data:` event of a streamed response (checked against the branch of
 *   the union its `type` names).
 */
export type OpenAISchemaName = (typeof OPENAI_SCHEMA_NAMES)[number];

/** Outcome of {@link validateOpenAISchema}: `errors` is empty when `valid`. */
export interface OpenAISchemaResult {
  valid: boolean;
  /** One line per Ajv error: `<instance path> <message> <params> [schema path]`. */
  errors: string[];
}

/**
 * OpenAPI-only keywords left in the vendored schemas. They carry no validation meaning, so
 * they are registered as annotations and Ajv stays in strict mode for everything else
 * (an unexpected keyword from a future regeneration fails loudly at compile time).
 */
const ANNOTATION_KEYWORDS = [
  // OpenAPI's `discriminator` only names the property that tells a `oneOf`'s branches apart: the
  // `oneOf` beside it decides what is valid (Ajv's own discriminator support needs every branch
  // to declare that property directly, which the Responses schemas' `allOf` branches do not)
  'discriminator',
  'example',
  'x-oaiExpandable',
  'x-oaiMeta',
  'x-oaiSupportedSDKs',
  'x-oaiTypeLabel',
  'x-source',
  'x-stainless-const',
  'x-stainless-skip',
];

let compiled: { ajv: Ajv2020; id: string } | undefined;
const validators = new Map<string, ValidateFunction>();

function loadAjv(): { ajv: Ajv2020; id: string } {
  if (compiled) return compiled;
  const doc = JSON.parse(readFileSync(OPENAI_SCHEMAS_PATH, 'utf8')) as { $id: string };
  const ajv = new Ajv2020({
    allErrors: true,
    // The spec declares `properties`/`required` without `type: "object"` and uses type
    // unions; strictTypes would only log about this, so it is off. Other strict checks stay on.
    strictTypes: false,
  });
  addFormats(ajv);
  // Spec formats Ajv does not know; both qualify numbers.
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  ajv.addSchema(doc);
  compiled = { ajv, id: doc.$id };
  return compiled;
}

let streamEventBranches: Map<unknown, string> | undefined;

/**
 * The `$defs` name of the `ResponseStreamEvent` branch whose `type` is `type`, or undefined. The
 * union is validated branch by branch this way: against the whole `anyOf`, an invalid event fails
 * every branch and its own error drowns among some sixty others.
 */
function streamEventSchemaName(type: unknown): string | undefined {
  if (!streamEventBranches) {
    const { ajv, id } = loadAjv();
    type Def = { anyOf?: Array<{ $ref: string }>; properties?: { type?: { enum?: unknown[] } } };
    const { $defs: defs } = ajv.getSchema(id)!.schema as { $defs: Record<string, Def> };
    streamEventBranches = new Map(
      defs.ResponseStreamEvent.anyOf!.flatMap(({ $ref }) => {
        const name = $ref.replace('#/$defs/', '');
        return (defs[name].properties?.type?.enum ?? []).map((value) => [value, name] as const);
      }),
    );
  }
  return streamEventBranches.get(type);
}

function getValidator(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const { ajv, id } = loadAjv();
    validate = ajv.getSchema(`${id}#/$defs/${name}`);
    if (!validate) throw new Error(`No OpenAI schema named ${name} in ${OPENAI_SCHEMAS_PATH}`);
    validators.set(name, validate);
  }
  return validate;
}

function formatError(e: ErrorObject): string {
  return `${e.instancePath || '(root)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)} [${e.schemaPath}]`;
}

/**
 * Validates `value` against the OpenAI schema `name` (compiled once per name, then cached).
 * Never throws for invalid data; returns `{ valid, errors }` with one formatted line per error.
 */
export function validateOpenAISchema(name: OpenAISchemaName, value: unknown): OpenAISchemaResult {
  let schemaName: string = name;
  if (name === 'ResponseStreamEvent') {
    const type = (value as { type?: unknown } | null)?.type;
    const branch = streamEventSchemaName(type);
    if (!branch) return { valid: false, errors: [`/type ${JSON.stringify(type)} is no ResponseStreamEvent type`] };
    schemaName = branch;
  }
  const validate = getValidator(schemaName);
  const valid = validate(value) as boolean;
  return { valid, errors: valid ? [] : (validate.errors ?? []).map(formatError) };
}

/**
 * Jest-friendly assertion: throws an Error listing Ajv's errors and the offending value
 * (JSON, truncated at 4000 characters) unless `value` matches the OpenAI schema `name`.
 */
export function expectOpenAISchema(name: OpenAISchemaName, value: unknown): void {
  const { valid, errors } = validateOpenAISchema(name, value);
  if (valid) return;
  let shown = JSON.stringify(value, null, 2) ?? String(value);
  if (shown.length > 4000) shown = `${shown.slice(0, 4000)}\n... (${shown.length - 4000} more characters)`;
  throw new Error(
    `Expected a valid OpenAI ${name}, got ${errors.length} schema error(s):\n` +
      `${errors.map((e) => `  - ${e}`).join('\n')}\nValue:\n${shown}`,
  );
}
