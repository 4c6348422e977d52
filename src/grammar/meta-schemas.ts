import metaSchema from 'ajv/dist/refs/json-schema-2020-12/schema.json';
import applicator from 'ajv/dist/refs/json-schema-2020-12/meta/applicator.json';
import content from 'ajv/dist/refs/json-schema-2020-12/meta/content.json';
import core from 'ajv/dist/refs/json-schema-2020-12/meta/core.json';
import formatAnnotation from 'ajv/dist/refs/json-schema-2020-12/meta/format-annotation.json';
import metaData from 'ajv/dist/refs/json-schema-2020-12/meta/meta-data.json';
import unevaluated from 'ajv/dist/refs/json-schema-2020-12/meta/unevaluated.json';
import validation from 'ajv/dist/refs/json-schema-2020-12/meta/validation.json';

/**
 * The JSON Schema 2020-12 meta-schema and its vocabulary meta-schemas (json-schema.org; ajv's copies,
 * the ones our output check validates with), by `$id`, each without its `$schema`.
 */
const META_SCHEMAS: ReadonlyMap<string, Record<string, unknown>> = new Map(
  [metaSchema, applicator, content, core, formatAnnotation, metaData, unevaluated, validation].map((schema) => {
    const { $schema: _dialect, ...rest } = schema as Record<string, unknown>;
    return [String(rest.$id), rest];
  }),
);

/** Whether `uri` (without fragment) identifies the 2020-12 meta-schema or one of its vocabularies. */
export function isMetaSchema(uri: string): boolean {
  return META_SCHEMAS.has(uri);
}

/** Keywords whose values are instances, not schemas (a `$ref` member there is data). */
const INSTANCE_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** The URI-valued keywords of a document, as written (not resolved). */
export interface DocumentUris {
  /** Every `$ref` and `$dynamicRef` value, without its fragment. */
  references: Set<string>;
  /** Every `$schema` value, without an empty fragment. */
  dialects: Set<string>;
  /** Every `$id` value, without an empty fragment. */
  ids: Set<string>;
}

/** The `$ref`/`$dynamicRef`, `$schema` and `$id` values anywhere in `document`. */
export function documentUris(document: unknown): DocumentUris {
  const uris: DocumentUris = { references: new Set(), dialects: new Set(), ids: new Set() };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === '$ref' || key === '$dynamicRef') && typeof value === 'string') uris.references.add(value.replace(/#.*$/, ''));
      else if (key === '$schema' && typeof value === 'string') uris.dialects.add(value.replace(/#$/, ''));
      else if (key === '$id' && typeof value === 'string') uris.ids.add(value.replace(/#$/, ''));
      else if (!INSTANCE_KEYWORDS.has(key)) visit(value);
    }
  };
  visit(document);
  return uris;
}

/** The `$defs` member the meta-schemas are embedded under. */
const EMBEDDED = 'llama-tools-server:json-schema-2020-12';

/**
 * `document` with the 2020-12 meta-schemas embedded (under `$defs`, as schema resources with their
 * own `$id`s) when one of its `$ref`/`$dynamicRef`s names one by absolute URI and the document does
 * not define it itself: so a schema may reference the meta-schema (e.g. a tool argument that is a
 * JSON Schema). Any other document is returned as it is.
 */
export function withMetaSchemas(document: boolean | Record<string, unknown>): boolean | Record<string, unknown> {
  if (typeof document === 'boolean') return document;
  const { references, ids } = documentUris(document);
  const wanted = [...references].some((uri) => META_SCHEMAS.has(uri) && !ids.has(uri));
  const defs = document.$defs ?? {};
  if (!wanted || typeof defs !== 'object' || defs === null || Array.isArray(defs)) return document;
  const embedded = Object.fromEntries([...META_SCHEMAS].map(([id, schema]) => [`${EMBEDDED}:${id.split('/').pop()}`, schema]));
  return { ...document, $defs: { ...defs, ...embedded } };
}
