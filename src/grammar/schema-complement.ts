import { JSON_TYPES } from './schema-tree';
import { FORMAT_PATTERNS, UNSUPPORTED_ASSERTED_FORMATS } from './string-formats';

/** Keywords with no assertion of their own (annotations, containers, applicators handled elsewhere). */
const NEUTRAL = new Set([
  '$schema', '$id', '$comment', '$vocabulary', '$anchor', '$dynamicAnchor', '$defs', 'definitions', 'title',
  'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'contentEncoding',
  'contentMediaType', 'contentSchema', 'then', 'else', 'minContains', 'maxContains',
]);

const MAX_DEPTH = 8;
/** Branches of a `oneOf` complemented (its complement has one disjunct per pair of branches). */
const MAX_ONE_OF_BRANCHES = 6;

/** Keywords whose subschemas assert nothing when they are all `true` (they only annotate). */
const VACUOUS_WHEN_TRUE = new Set([
  'additionalProperties', 'patternProperties', 'propertyNames', 'dependentSchemas', 'unevaluatedItems', 'unevaluatedProperties',
]);

/** Whether `keyword: value` asserts nothing: each of its subschemas is `true` (or `{}`). */
function vacuous(keyword: string, value: unknown): boolean {
  const isTrue = (sub: unknown) => sub === true || (typeof sub === 'object' && sub !== null && !Array.isArray(sub) && Object.keys(sub).length === 0);
  if (keyword === 'uniqueItems') return value === false;
  if (!VACUOUS_WHEN_TRUE.has(keyword)) return false;
  if (keyword === 'patternProperties' || keyword === 'dependentSchemas') {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(isTrue);
  }
  return isTrue(value);
}

/** Named keys whose presence `¬unevaluatedProperties: false` enumerates (2ⁿ disjuncts). */
const MAX_EVALUATED_KEYS = 4;

/**
 * The keys `schema`'s keywords evaluate for an `unevaluatedProperties` next to them, when that set
 * does not depend on the instance: its own `properties` (and every key with `additionalProperties`),
 * those of `allOf` subschemas and `$ref` targets, and those of `anyOf` branches that every value
 * passes (no complement). `'all'` when every key is evaluated; undefined when it depends on the
 * instance or on patterns (`patternProperties`, `oneOf`, `if`, `dependentSchemas`, `$dynamicRef`,
 * a nested `unevaluatedProperties`).
 */
function staticEvaluatedKeys(schema: unknown, resolve: (ref: string) => unknown, depth: number): Set<string> | 'all' | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (typeof schema === 'boolean') return new Set();
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const s = schema as Record<string, unknown>;
  for (const keyword of ['patternProperties', 'oneOf', 'if', 'dependentSchemas', '$dynamicRef', 'unevaluatedProperties']) {
    if (s[keyword] !== undefined) return undefined;
  }
  if (s.additionalProperties !== undefined) return 'all';
  const keys = new Set(typeof s.properties === 'object' && s.properties !== null ? Object.keys(s.properties) : []);
  const subschemas = [
    ...(Array.isArray(s.allOf) ? s.allOf : []),
    ...(typeof s.$ref === 'string' ? [resolve(s.$ref)] : []),
    ...(Array.isArray(s.anyOf) ? s.anyOf : []),
  ];
  if (subschemas.some((sub) => sub === undefined)) return undefined;
  if (Array.isArray(s.anyOf) && s.anyOf.some((branch) => complementOf(branch, resolve, depth + 1) !== false)) return undefined;
  for (const sub of subschemas) {
    const more = staticEvaluatedKeys(sub, resolve, depth + 1);
    if (more === undefined || more === 'all') return more;
    for (const key of more) keys.add(key);
  }
  return keys;
}

/**
 * A schema accepting exactly the values `schema` rejects (JSON Schema 2020-12 `not`), built from
 * the complement of each keyword: `¬(k₁ ∧ k₂) = ¬k₁ ∨ ¬k₂`, where a keyword only constrains its own
 * type (`¬minimum: a` is "a number below a", `¬required: [k]` "an object without k",
 * `¬properties: {k: S}` "an object whose k is in ¬S", `¬items: S` "an array containing ¬S",
 * `¬oneOf: [B…]` "every Bᵢ fails, or some Bᵢ and Bⱼ both pass", `¬unevaluatedProperties: false`
 * "an object with a key the schema does not evaluate" when that set of keys is static, …).
 * Keywords whose subschemas are all `true` (`patternProperties: {p: true}`,
 * `unevaluatedProperties: true`, …) assert nothing.
 *
 * @param resolve the target of a `$ref`, when its subschemas may be copied into the complement (the
 *   same document and schema resource), else undefined
 * @returns the complement schema, or undefined when a keyword's complement has no exact schema
 *   (pattern, format, multipleOf, uniqueItems, additionalProperties, …)
 */
export function complementOf(schema: unknown, resolve: (ref: string) => unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (schema === true) return false;
  if (schema === false) return true;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const s = schema as Record<string, unknown>;
  const alternatives: unknown[] = [];
  const inner = (sub: unknown) => complementOf(sub, resolve, depth + 1);
  for (const [keyword, value] of Object.entries(s)) {
    if (NEUTRAL.has(keyword) || vacuous(keyword, value)) continue;
    switch (keyword) {
      case '$ref': {
        const target = typeof value === 'string' ? resolve(value) : undefined;
        const c = target === undefined ? undefined : inner(target);
        if (c === undefined) return undefined;
        alternatives.push(c);
        break;
      }
      case 'type': {
        const types = (Array.isArray(value) ? value : [value]) as string[];
        const rest = JSON_TYPES.filter(
          (t) => !types.includes(t) && !(t === 'integer' && types.includes('number')) && !(t === 'number' && types.includes('integer')),
        );
        if (rest.length > 0) alternatives.push({ type: rest });
        // integers only: the numbers that are not integers are outside too
        if (types.includes('integer') && !types.includes('number')) alternatives.push({ type: 'number', not: { type: 'integer' } });
        break;
      }
      case 'enum':
        alternatives.push({ not: { enum: value } });
        break;
      case 'const':
        alternatives.push({ not: { const: value } });
        break;
      case 'minimum':
        alternatives.push({ type: 'number', exclusiveMaximum: value });
        break;
      case 'exclusiveMinimum':
        alternatives.push({ type: 'number', maximum: value });
        break;
      case 'maximum':
        alternatives.push({ type: 'number', exclusiveMinimum: value });
        break;
      case 'exclusiveMaximum':
        alternatives.push({ type: 'number', minimum: value });
        break;
      case 'minLength':
      case 'minItems':
      case 'minProperties': {
        const type = keyword === 'minLength' ? 'string' : keyword === 'minItems' ? 'array' : 'object';
        const max = keyword.replace('min', 'max');
        if (typeof value !== 'number') return undefined;
        if (value > 0) alternatives.push({ type, [max]: value - 1 });
        break;
      }
      case 'maxLength':
      case 'maxItems':
      case 'maxProperties': {
        const type = keyword === 'maxLength' ? 'string' : keyword === 'maxItems' ? 'array' : 'object';
        if (typeof value !== 'number') return undefined;
        alternatives.push({ type, [keyword.replace('max', 'min')]: value + 1 });
        break;
      }
      case 'required':
        if (!Array.isArray(value)) return undefined;
        for (const key of value) alternatives.push({ type: 'object', properties: { [key as string]: false }, additionalProperties: true });
        break;
      case 'properties': {
        if (typeof value !== 'object' || value === null) return undefined;
        for (const [key, sub] of Object.entries(value)) {
          const c = inner(sub);
          if (c === undefined) return undefined;
          if (c !== false) alternatives.push({ type: 'object', required: [key], properties: { [key]: c }, additionalProperties: true });
        }
        break;
      }
      case 'items': {
        if (s.prefixItems !== undefined) return undefined;
        const c = inner(value);
        if (c === undefined) return undefined;
        if (c !== false) alternatives.push({ type: 'array', contains: c });
        break;
      }
      case 'prefixItems': {
        if (!Array.isArray(value)) return undefined;
        for (let i = 0; i < value.length; i++) {
          const c = inner(value[i]);
          if (c === undefined) return undefined;
          if (c !== false) alternatives.push({ type: 'array', minItems: i + 1, prefixItems: [...Array(i).fill(true), c] });
        }
        break;
      }
      case 'contains': {
        if (s.minContains !== undefined || s.maxContains !== undefined) return undefined;
        const c = inner(value);
        if (c === undefined) return undefined;
        alternatives.push({ type: 'array', items: c });
        break;
      }
      case 'allOf': {
        if (!Array.isArray(value)) return undefined;
        for (const sub of value) {
          const c = inner(sub);
          if (c === undefined) return undefined;
          alternatives.push(c);
        }
        break;
      }
      case 'anyOf': {
        if (!Array.isArray(value)) return undefined;
        const cs = value.map(inner);
        if (cs.some((c) => c === undefined)) return undefined;
        alternatives.push({ allOf: cs });
        break;
      }
      case 'oneOf': {
        // not exactly one passes: none does, or some two do
        if (!Array.isArray(value) || value.length > MAX_ONE_OF_BRANCHES) return undefined;
        const cs = value.map(inner);
        if (cs.some((c) => c === undefined)) return undefined;
        alternatives.push({ allOf: cs });
        for (let i = 0; i < value.length; i++) {
          for (let j = i + 1; j < value.length; j++) alternatives.push({ allOf: [value[i], value[j]] });
        }
        break;
      }
      case 'not':
        alternatives.push(value);
        break;
      case 'unevaluatedProperties': {
        // an object with a key outside the evaluated K: for each R ⊆ K, the keys of R present, the
        // rest of K absent, and one key more than R
        const evaluated = value === false ? staticEvaluatedKeys({ ...s, unevaluatedProperties: undefined }, resolve, depth + 1) : undefined;
        if (evaluated === 'all') break;
        if (evaluated === undefined || evaluated.size > MAX_EVALUATED_KEYS) return undefined;
        const named = [...evaluated];
        for (let mask = 0; mask < 1 << named.length; mask++) {
          const present = named.filter((_, i) => (mask & (1 << i)) !== 0);
          const absent = Object.fromEntries(named.filter((_, i) => (mask & (1 << i)) === 0).map((key) => [key, false]));
          alternatives.push({ type: 'object', required: present, properties: absent, minProperties: present.length + 1 });
        }
        break;
      }
      case 'format':
        // an unknown format is an annotation; a known one has no exact complement
        if (typeof value === 'string' && (FORMAT_PATTERNS[value] !== undefined || UNSUPPORTED_ASSERTED_FORMATS.has(value))) return undefined;
        break;
      case 'pattern':
      case 'multipleOf':
      case 'uniqueItems':
      case 'additionalProperties':
      case 'patternProperties':
      case 'propertyNames':
      case 'dependentRequired':
      case 'dependentSchemas':
      case 'if':
      case 'unevaluatedItems':
      case '$dynamicRef':
      case '$recursiveRef':
        return undefined;
      default:
        break; // unknown keywords are annotations
    }
  }
  if (alternatives.length === 0) return false;
  return alternatives.length === 1 ? alternatives[0] : { anyOf: alternatives };
}
