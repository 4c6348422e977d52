import Ajv2020 from 'ajv/dist/2020';
import { documentUris, isMetaSchema } from './meta-schemas';
import { toDraft2020 } from './schema-dialect';
import { isObject, resolveUri } from './schema-tree';

/** Loads the schema document at an absolute URI (no fragment); rejects when it cannot. */
export type DocumentLoader = (uri: string) => Promise<unknown>;

/** Remote documents fetched for one schema, at most. */
export const MAX_REMOTE_DOCUMENTS = 32;

/** The `$defs` members remote documents are embedded under (followed by their index). */
const EMBEDDED = 'llama-tools-server:remote';

/** The documents a schema references outside itself, as `loadRemoteDocuments` found them. */
export interface RemoteDocuments {
  /** Each loaded document, by the absolute URI it was loaded from. */
  documents: Record<string, unknown>;
  /** Why a document could not be loaded (the first failure; later references were not followed). */
  failure?: string;
}

/**
 * Loads, with `load`, every document `schema` (2020-12; draft-07 forms accepted) references by a
 * URI outside itself — `$ref`, `$dynamicRef` and `$schema` values resolved against their base URI
 * (RFC 3986, nested `$id`s included) — and, recursively, those the loaded documents reference.
 * ajv's own resolution finds them (its `compileAsync` with `loadSchema`, per ajv's "Asynchronous
 * schema loading"); the JSON Schema 2020-12 meta-schemas are never loaded (ajv holds them).
 * Stops at the first document that fails to load, or after `MAX_REMOTE_DOCUMENTS`.
 *
 * A schema whose references all start with `#` or name a 2020-12 meta-schema loads nothing and
 * costs no compilation.
 */
export async function loadRemoteDocuments(schema: unknown, load: DocumentLoader): Promise<RemoteDocuments> {
  const documents: Record<string, unknown> = {};
  const draft = toDraft2020(schema);
  if (!referencesOutside(draft)) return { documents };
  const ajv = new Ajv2020({
    strict: false,
    logger: false,
    validateFormats: false,
    loadSchema: async (uri: string) => {
      if (Object.keys(documents).length >= MAX_REMOTE_DOCUMENTS) {
        throw new Error(`more than ${MAX_REMOTE_DOCUMENTS} remote documents`);
      }
      const document = toDraft2020(await load(uri));
      documents[uri] = document;
      return document as object;
    },
  });
  try {
    await ajv.compileAsync(draft as object);
    return { documents };
  } catch (error) {
    return { documents, failure: (error as Error).message };
  }
}

/**
 * `document` with `remote` (URI → document, e.g. from `loadRemoteDocuments`) embedded under
 * `$defs` as schema resources whose `$id` is the URI they were loaded from, so references to them
 * resolve inside one document (2020-12 §9.1.2: a bundled resource keeps its identity). A document
 * whose own `$id` names another URI is embedded under that `$id`, behind a resource for the
 * loaded URI that references it. A boolean `document` is returned as it is.
 */
export function withRemoteDocuments(
  document: boolean | Record<string, unknown>,
  remote: Record<string, unknown> | undefined,
): boolean | Record<string, unknown> {
  const entries = Object.entries(remote ?? {});
  const defs = typeof document === 'boolean' ? undefined : (document.$defs ?? {});
  if (entries.length === 0 || !isObject(defs)) return document;
  const embedded = Object.fromEntries(entries.map(([uri, schema], i) => [`${EMBEDDED}:${i}`, asResource(uri, schema)]));
  return { ...(document as Record<string, unknown>), $defs: { ...defs, ...embedded } };
}

/**
 * `schema` as a schema resource identified by `uri`; a value that is no schema is kept under
 * `allOf`, where the converter refuses it (naming its place).
 */
function asResource(uri: string, schema: unknown): unknown {
  if (typeof schema === 'boolean') return schema ? { $id: uri } : { $id: uri, not: {} };
  if (!isObject(schema)) return { $id: uri, allOf: [schema] };
  const { $schema: _dialect, ...rest } = schema;
  const id = typeof rest.$id === 'string' ? resolveUri(rest.$id, uri) : uri;
  if (id === undefined || id.replace(/#$/, '') === uri) return { ...rest, $id: uri };
  return { $id: uri, $ref: id, $defs: { document: { ...rest, $id: id } } };
}

/** Whether `document` names, by `$ref`, `$dynamicRef` or `$schema`, anything but a fragment of itself or a 2020-12 meta-schema. */
function referencesOutside(document: unknown): boolean {
  const { references, dialects } = documentUris(document);
  return [...references, ...dialects].some((uri) => uri !== '' && !isMetaSchema(uri));
}
