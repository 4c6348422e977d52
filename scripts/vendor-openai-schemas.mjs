#!/usr/bin/env node
/**
 * Vendors the subset of OpenAI's OpenAPI spec that the test suite validates against.
 *
 *   node scripts/vendor-openai-schemas.mjs [path/to/openapi.json] [--check]
 *
 * Reads openapi.json (default: ../shared/openai/openapi.json, relative to the repo root)
 * plus the README.md and LICENSE beside it, takes the component schemas in ROOTS and
 * everything they transitively $ref, and writes into test/fixtures/openai/:
 *   - schemas.json  a JSON Schema 2020-12 document, { $schema, $id, $comment, x-source, $defs },
 *                   with "#/components/schemas/X" rewritten to "#/$defs/X" and keys sorted;
 *   - LICENSE       OpenAI's MIT licence, copied verbatim;
 *   - README.md     what the files are and how to regenerate them.
 * With --check nothing is written; exits 1 if any of those files is out of date.
 *
 * The only changes to the schemas themselves are translating OpenAPI 3.0 `nullable: true`
 * (not a JSON Schema keyword) into its 2020-12 equivalent (see nullableToJsonSchema) and draft
 * 2019-09's `$recursiveRef` into a plain `$ref` (see recursiveRefsToRefs).
 * Other OpenAPI-only keywords (x-*, discriminator, example) are kept and handled by the
 * validator's options (test/support/openai-schemas.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOTS = [
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  'CreateCompletionResponse',
  'CreateEmbeddingResponse',
  'ErrorResponse',
  'ListModelsResponse',
  'Response',
  'ResponseStreamEvent',
];
const SCHEMA_ID = 'urn:llama-tools-server:test:openai-schemas';
const COMPONENT_REF = /^#\/components\/schemas\/([^/]+)$/;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repoRoot, 'test/fixtures/openai');
const args = process.argv.slice(2);
const check = args.includes('--check');
const input = resolve(args.find((a) => !a.startsWith('--')) ?? join(repoRoot, '../shared/openai/openapi.json'));
const srcDir = dirname(input);
if (!existsSync(input)) {
  console.error(`OpenAPI spec not found: ${input} (pass its path as the first argument)`);
  process.exit(2);
}

/** Recursively sorts object keys so the output is byte-for-byte reproducible. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

/**
 * Rewrites component refs to $defs, collecting referenced names, and translates
 * `nullable: true`. Walks every value, so it also rewrites inside keywords it does not know.
 */
function transform(value, found) {
  if (Array.isArray(value)) return value.map((v) => transform(v, found));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string') {
      const m = COMPONENT_REF.exec(v);
      if (!m) throw new Error(`unsupported $ref ${v}`);
      found.add(m[1]);
      out[key] = `#/$defs/${m[1]}`;
    } else {
      out[key] = transform(v, found);
    }
  }
  return nullableToJsonSchema(out);
}

/**
 * OpenAPI 3.0 `nullable: true` means "also allow null". JSON Schema 2020-12 has no such
 * keyword (Ajv2020 would ignore it or reject it beside $ref), so it becomes: `type: [T, "null"]`
 * (plus null in any `enum`) when the schema has a `type`, else `anyOf: [schema, {type: "null"}]`.
 * `nullable: false` is the default and is simply dropped.
 */
function nullableToJsonSchema(schema) {
  if (!('nullable' in schema)) return schema;
  const { nullable, ...rest } = schema;
  if (nullable !== true) return rest;
  if (typeof rest.type === 'string' || Array.isArray(rest.type)) {
    const types = [rest.type].flat();
    const out = { ...rest, type: types.includes('null') ? types : [...types, 'null'] };
    if (Array.isArray(rest.enum) && !rest.enum.includes(null)) out.enum = [...rest.enum, null];
    return out;
  }
  return { anyOf: [rest, { type: 'null' }] };
}

/**
 * Draft 2019-09's `$recursiveAnchor: true` / `$recursiveRef: "#"` (which OpenAPI 3.1 allows, and
 * Ajv2020 rejects) inside component `name`: nothing extends these schemas dynamically, so the
 * recursive ref is a plain `$ref` to the component itself and the anchor is dropped.
 */
function recursiveRefsToRefs(value, name) {
  if (Array.isArray(value)) return value.map((v) => recursiveRefsToRefs(v, name));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$recursiveAnchor') continue;
    if (key === '$recursiveRef') {
      if (v !== '#') throw new Error(`unsupported $recursiveRef ${v} in ${name}`);
      out.$ref = `#/$defs/${name}`;
    } else {
      out[key] = recursiveRefsToRefs(v, name);
    }
  }
  return out;
}

/** Reads "repository R, commit C, YYYY-MM-DD" from the README that accompanies the spec. */
function readSource() {
  const readme = readFileSync(join(srcDir, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const m = /repository (\S+), commit ([0-9a-f]{7,40}), (\d{4}-\d{2}-\d{2})/.exec(readme);
  if (!m) throw new Error(`no "repository R, commit C, YYYY-MM-DD" in ${join(srcDir, 'README.md')}`);
  return { repository: m[1], commit: m[2], date: m[3] };
}

function build() {
  const raw = readFileSync(input);
  const spec = JSON.parse(raw.toString('utf8'));
  const components = spec.components?.schemas ?? {};
  const defs = {};
  const queue = [...ROOTS];
  while (queue.length) {
    const name = queue.pop();
    if (name in defs) continue;
    if (!(name in components)) throw new Error(`components.schemas.${name} not found in ${input}`);
    const found = new Set();
    defs[name] = recursiveRefsToRefs(transform(components[name], found), name);
    queue.push(...found);
  }
  const source = {
    ...readSource(),
    file: 'openapi.json',
    openapi: spec.openapi,
    infoVersion: spec.info?.version,
    sha256: createHash('sha256').update(raw).digest('hex'),
    license: 'MIT (see LICENSE)',
    roots: ROOTS,
  };
  const doc = sortKeys({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    $comment:
      `Subset of OpenAI's OpenAPI spec (${source.repository} @ ${source.commit}, ${source.date}). ` +
      'Generated by scripts/vendor-openai-schemas.mjs; do not edit by hand.',
    'x-source': source,
    $defs: defs,
  });
  return { doc, source };
}

function readme({ repository, commit, date }, defCount) {
  return `# Vendored OpenAI response schemas (test fixture)

\`schemas.json\` is a JSON Schema 2020-12 document holding ${defCount} component schemas from
OpenAI's OpenAPI 3.1 spec (\`${repository}\`, commit \`${commit}\`, ${date}; MIT, see
\`LICENSE\`): these, and every schema they \`$ref\`:

${ROOTS.map((r) => `- \`${r}\``).join('\n')}

Tests validate server output against it through \`test/support/openai-schemas.ts\`, so the suite
runs without the full spec.

Changes from the spec: \`#/components/schemas/X\` refs become \`#/$defs/X\`; OpenAPI 3.0
\`nullable: true\` becomes \`type: [T, "null"]\` (with \`null\` added to any \`enum\`) or, beside
\`$ref\`, \`anyOf: [..., {"type": "null"}]\`; draft 2019-09's \`$recursiveRef: "#"\` becomes a \`$ref\` to
its own component (and \`$recursiveAnchor\` is dropped); keys are sorted. OpenAPI-only keywords (\`x-*\`,
\`discriminator\`, \`example\`) are kept and handled by the Ajv options in the support module.

Regenerate (needs the spec at \`../shared/openai/openapi.json\`, or pass its path):

    node scripts/vendor-openai-schemas.mjs [path/to/openapi.json]

\`--check\` exits 1 instead of writing if these files are out of date. Do not edit by hand.
`;
}

const { doc, source } = build();
const outputs = {
  'schemas.json': `${JSON.stringify(doc, null, 2)}\n`,
  LICENSE: readFileSync(join(srcDir, 'LICENSE'), 'utf8'),
  'README.md': readme(source, Object.keys(doc.$defs).length),
};
let stale = 0;
for (const [file, text] of Object.entries(outputs)) {
  const path = join(outDir, file);
  const rel = relative(repoRoot, path);
  if (check) {
    const same = existsSync(path) && readFileSync(path, 'utf8') === text;
    if (!same) stale++;
    console.log(`${same ? 'up to date' : 'STALE'}: ${rel}`);
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${rel} (${Buffer.byteLength(text)} bytes)`);
  }
}
if (check && stale) process.exit(1);
