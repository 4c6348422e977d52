/**
 * Rewrites draft-07 (and draft 2019-09) forms into their JSON Schema 2020-12 equivalents, so that
 * ajv's 2020-12 validator and the converter read one dialect: array `items` → `prefixItems` (with
 * `additionalItems` → `items`), `dependencies` → `dependentRequired` / `dependentSchemas`, a
 * non-2020-12 `$schema` dropped. `definitions` needs no change (refs point into it by path).
 * The input is not modified.
 */
export function toDraft2020(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const source = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === '$schema' && typeof value === 'string' && !value.includes('2020-12')) continue;
    if (SINGLE.has(key)) out[key] = toDraft2020(value);
    else if (LIST.has(key) && Array.isArray(value)) out[key] = value.map(toDraft2020);
    else if (MAP.has(key) && isObject(value)) out[key] = mapValues(value, toDraft2020);
    else out[key] = value;
  }
  if (Array.isArray(source.items)) {
    out.prefixItems = source.items.map(toDraft2020);
    delete out.items;
    if (source.additionalItems !== undefined) out.items = toDraft2020(source.additionalItems);
  }
  delete out.additionalItems;
  if (isObject(source.dependencies)) {
    const required: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source.dependencies)) {
      if (Array.isArray(value)) required[key] = value;
      else schemas[key] = toDraft2020(value);
    }
    if (Object.keys(required).length > 0) out.dependentRequired = { ...required, ...(out.dependentRequired as object) };
    if (Object.keys(schemas).length > 0) out.dependentSchemas = { ...schemas, ...(out.dependentSchemas as object) };
    delete out.dependencies;
  }
  return out;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const mapValues = (value: Record<string, unknown>, f: (v: unknown) => unknown) =>
  Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)]));

/** Keywords whose value is one subschema. */
export const SINGLE = new Set([
  'additionalProperties',
  'propertyNames',
  'items',
  'additionalItems',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
/** Keywords whose value is a list of subschemas. */
export const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names to subschemas. */
export const MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
