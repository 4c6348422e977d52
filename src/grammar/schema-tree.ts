import { SchemaIssue, childPointer } from './schema-conversion-error';
import { complementOf } from './schema-complement';
import { LIST, MAP, SINGLE } from './schema-dialect';
import { FORMAT_PATTERNS, UNSUPPORTED_ASSERTED_FORMATS } from './string-formats';

/**
 * Step one of the conversion: the JSON Schema (2020-12; draft-07 forms rewritten first) read into a
 * typed tree. `readSchema` checks every keyword of every subschema (collecting all issues), and
 * `SchemaTree.flatten` turns a list of schema locations into one `Constraints` record: `$ref`
 * resolved, `allOf` merged, `anyOf`/`oneOf` kept as groups of branches, everything else as typed
 * fields. The emitter (step two) works only on these records.
 */

/** A (sub)schema and its JSON Pointer in the document. */
export interface SchemaRef {
  schema: boolean | Record<string, unknown>;
  pointer: string;
  /** Constraints the converter derived itself (see `SchemaTree.derive`): `schema` is then `{}`. */
  derived?: Constraints;
  /**
   * The dynamic scope it is evaluated in, as far as a `$dynamicRef` can tell (see
   * `SchemaTree.enterScope`); undefined while it binds no `$dynamicAnchor` name.
   */
  scope?: string;
}

/** What identifies a located ref for rules and derived records: its pointer and its dynamic scope. */
export function refKey(ref: SchemaRef): string {
  return ref.scope === undefined ? ref.pointer : `${ref.pointer}@${ref.scope}`;
}

export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';
export const JSON_TYPES: readonly JsonType[] = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'];

export interface Located<T> {
  value: T;
  pointer: string;
}

/** One object-shaping schema: how it constrains the value of each key. */
export interface ObjectPart {
  pointer: string;
  properties: Map<string, SchemaRef>;
  patternProperties: Array<{ pattern: string; schema: SchemaRef }>;
  /** `additionalProperties`, or the default (per options) when absent. */
  additionalProperties: SchemaRef;
  explicitAdditional: boolean;
  /** Whether its keys count as evaluated for `unevaluatedProperties` (not inside a complement). */
  annotates: boolean;
}

/** One array-shaping schema: the schema of each position. */
export interface ArrayPart {
  pointer: string;
  prefixItems: SchemaRef[];
  items?: SchemaRef;
  /** Whether its positions count as evaluated for `unevaluatedItems` (not inside a complement). */
  annotates: boolean;
}

/** The branches of one `anyOf`/`oneOf` (or of `if`/`then`/`else`, `dependentSchemas`). */
export interface BranchGroup extends Located<SchemaRef[]> {
  /** Whether the passing branches' evaluated keys and items count for an enclosing `unevaluated*`. */
  annotates: boolean;
  /** Asserts nothing, only annotates: the `if` of an `if` without `then`/`else` (with `true`). */
  tautology?: boolean;
}

/** The merged constraints of a conjunction of schemas. */
export interface Constraints {
  /** Every schema location merged in (for exact checks of finite values with ajv). */
  sources: SchemaRef[];
  never: boolean;
  /** Allowed types; undefined = any. `number` includes integers. */
  types?: Set<JsonType>;
  /** Each `enum`/`const` met: the value must be in all of them. */
  enums: Array<Located<unknown[]>>;
  lower: Array<Located<{ value: number; exclusive: boolean }>>;
  upper: Array<Located<{ value: number; exclusive: boolean }>>;
  multipleOf: Array<Located<number>>;
  minLength: number;
  maxLength?: number;
  patterns: Array<Located<string>>;
  formats: Array<Located<string>>;
  arrayParts: ArrayPart[];
  minItems: number;
  maxItems?: number;
  contains: Array<Located<{ schema: SchemaRef; min: number; max?: number; annotates: boolean }>>;
  uniqueItems: string[];
  objectParts: ObjectPart[];
  required: Set<string>;
  propertyNames: SchemaRef[];
  minProperties: Located<number> | undefined;
  maxProperties?: number;
  dependentRequired: Map<string, Set<string>>;
  anyOf: BranchGroup[];
  oneOf: BranchGroup[];
  not: SchemaRef[];
  /** Every key / every item is evaluated once the record holds (an `unevaluated*` applied). */
  evaluatedAll: { properties: boolean; items: boolean };
}

export function emptyConstraints(): Constraints {
  return {
    sources: [],
    never: false,
    enums: [],
    lower: [],
    upper: [],
    multipleOf: [],
    minLength: 0,
    patterns: [],
    formats: [],
    arrayParts: [],
    minItems: 0,
    contains: [],
    uniqueItems: [],
    objectParts: [],
    required: new Set(),
    propertyNames: [],
    minProperties: undefined,
    dependentRequired: new Map(),
    anyOf: [],
    oneOf: [],
    not: [],
    evaluatedAll: { properties: false, items: false },
  };
}

/** The conjunction of two records (allOf). */
export function intersect(a: Constraints, b: Constraints): Constraints {
  const types =
    a.types && b.types ? intersectTypes(a.types, b.types) : (a.types ?? b.types);
  const maxOf = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.min(x, y));
  const dependentRequired = new Map(a.dependentRequired);
  for (const [k, v] of b.dependentRequired) dependentRequired.set(k, new Set([...(dependentRequired.get(k) ?? []), ...v]));
  const minProperties =
    a.minProperties && b.minProperties
      ? a.minProperties.value >= b.minProperties.value
        ? a.minProperties
        : b.minProperties
      : (a.minProperties ?? b.minProperties);
  return {
    sources: [...a.sources, ...b.sources],
    never: a.never || b.never || (types !== undefined && types.size === 0),
    types,
    enums: [...a.enums, ...b.enums],
    lower: [...a.lower, ...b.lower],
    upper: [...a.upper, ...b.upper],
    multipleOf: [...a.multipleOf, ...b.multipleOf],
    minLength: Math.max(a.minLength, b.minLength),
    maxLength: maxOf(a.maxLength, b.maxLength),
    patterns: dedupe([...a.patterns, ...b.patterns]),
    formats: dedupe([...a.formats, ...b.formats]),
    arrayParts: [...a.arrayParts, ...b.arrayParts],
    minItems: Math.max(a.minItems, b.minItems),
    maxItems: maxOf(a.maxItems, b.maxItems),
    contains: [...a.contains, ...b.contains],
    uniqueItems: [...a.uniqueItems, ...b.uniqueItems],
    objectParts: [...a.objectParts, ...b.objectParts],
    required: new Set([...a.required, ...b.required]),
    propertyNames: [...a.propertyNames, ...b.propertyNames],
    minProperties,
    maxProperties: maxOf(a.maxProperties, b.maxProperties),
    dependentRequired,
    anyOf: [...a.anyOf, ...b.anyOf],
    oneOf: [...a.oneOf, ...b.oneOf],
    not: [...a.not, ...b.not],
    evaluatedAll: {
      properties: a.evaluatedAll.properties || b.evaluatedAll.properties,
      items: a.evaluatedAll.items || b.evaluatedAll.items,
    },
  };
}

function dedupe<T>(items: Array<Located<T>>): Array<Located<T>> {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item.value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function intersectTypes(a: Set<JsonType>, b: Set<JsonType>): Set<JsonType> {
  const out = new Set<JsonType>();
  for (const t of a) {
    if (b.has(t)) out.add(t);
    else if (t === 'integer' && b.has('number')) out.add('integer');
    else if (t === 'number' && b.has('integer')) out.add('integer');
  }
  return out;
}

/** Conversion options. */
export interface ConversionOptions {
  /**
   * The `additionalProperties` assumed where a schema leaves it out: `true` (the JSON Schema spec's
   * default, used unless told otherwise) or `false` (OpenAI's strict mode, `strict: true`).
   */
  additionalPropertiesDefault?: boolean;
  /**
   * Documents the schema may reference outside itself, by the absolute URI they were loaded from
   * (`loadRemoteDocuments`; the grammar CLI fetches them). The service passes none: a request's
   * schema references only itself and the 2020-12 meta-schemas.
   */
  remoteDocuments?: Record<string, unknown>;
}

const REFUSED: Record<string, string> = {
  $recursiveRef: 'recursive references are not supported',
};

/** Branches of one `anyOf` whose annotations are enumerated (2ⁿ−1 choices) for `unevaluated*`. */
const MAX_ANNOTATING_BRANCHES = 4;
/** Choices of passing branches enumerated for one `unevaluated*`. */
const MAX_CHOICES = 64;
/** Distinct dynamic scopes (bindings of repeated `$dynamicAnchor`s) subschemas are specialised to. */
const MAX_DYNAMIC_SCOPES = 32;
const TOO_MANY_SCOPES = `the document is evaluated in more than ${MAX_DYNAMIC_SCOPES} dynamic scopes ($dynamicAnchor bindings)`;

/**
 * The document being converted: ref resolution and flattening, with every issue collected in
 * `issues` (the caller throws them together).
 */
export class SchemaTree {
  readonly issues: SchemaIssue[] = [];
  /** Schemas made by the converter (complements), addressed as `~<n>` pointers. */
  readonly synthetic: Array<SchemaRef['schema']> = [];
  /** Schemas by absolute URI: each `$id` (resolved against its parent's base) and each `$anchor` (`<base>#<name>`). */
  private readonly byUri = new Map<string, SchemaRef>();
  /** Base URI of each subschema having an `$id` of its own, by pointer (the root's is always set). */
  private readonly baseAt = new Map<string, string>();
  /** Base URI of each synthetic schema (where its references resolve), by index. */
  private readonly syntheticBase: string[] = [];
  /** Synthetic locations (complements) whose keywords evaluate nothing for `unevaluated*`. */
  private readonly silent = new Set<string>();
  /** How many subschemas declare each `$dynamicAnchor` name. */
  private readonly dynamicAnchors = new Map<string, number>();
  /** The `$dynamicAnchor` names each schema resource declares, by base URI. */
  private readonly dynamicAnchorsIn = new Map<string, Set<string>>();
  /** The plain-name fragments of every `$dynamicRef` (the anchors a dynamic scope can matter for). */
  private readonly dynamicRefNames = new Set<string>();
  /** Every dynamic scope met so far (see `enterScope`). */
  private readonly scopes = new Set<string>();
  /** Synthetic schemas by base, silent location and JSON text. */
  private readonly syntheticByKey = new Map<string, SchemaRef>();
  /** Records made by `derive`, by key. */
  private readonly derivedByKey = new Map<string, SchemaRef>();

  constructor(
    readonly root: boolean | Record<string, unknown>,
    readonly options: ConversionOptions,
  ) {
    this.check({ schema: root, pointer: '' }, DEFAULT_BASE);
  }

  issue(keyword: string, pointer: string, message: string): void {
    if (!this.issues.some((i) => i.keyword === keyword && i.pointer === pointer && i.message === message)) {
      this.issues.push({ keyword, pointer, message });
    }
  }

  /**
   * Checks every keyword of every subschema once (values, refused keywords), recording the base URI
   * (`$id`, RFC 3986 resolution against the parent's base) and anchors of each.
   */
  private check(ref: SchemaRef, parentBase: string): void {
    const { schema, pointer } = ref;
    if (pointer === '') this.baseAt.set('', parentBase);
    if (typeof schema === 'boolean') return;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      this.issue('$schema', pointer, 'a schema must be an object or a boolean');
      return;
    }
    let base = parentBase;
    if (typeof schema.$id === 'string') {
      const id = resolveUri(schema.$id, parentBase);
      if (id === undefined) this.issue('$id', pointer, `'${schema.$id}' is not a URI reference`);
      else if (schema.$id.startsWith('#')) this.byUri.set(id, ref); // draft-07 plain-name fragment: an anchor
      else {
        base = id.replace(/#.*$/, '');
        this.baseAt.set(pointer, base);
        this.byUri.set(base, ref);
      }
    }
    if (pointer === '') this.byUri.set(base, ref);
    if (typeof schema.$anchor === 'string') this.byUri.set(`${base}#${schema.$anchor}`, ref);
    if (typeof schema.$dynamicAnchor === 'string') {
      // a $dynamicAnchor is also a plain-name fragment (2020-12 §8.2.2)
      const name = schema.$dynamicAnchor;
      if (!this.byUri.has(`${base}#${name}`)) this.byUri.set(`${base}#${name}`, ref);
      this.dynamicAnchors.set(name, (this.dynamicAnchors.get(name) ?? 0) + 1);
      this.dynamicAnchorsIn.set(base, new Set([...(this.dynamicAnchorsIn.get(base) ?? []), name]));
    }
    if (typeof schema.$dynamicRef === 'string' && schema.$dynamicRef.includes('#')) {
      this.dynamicRefNames.add(decodeURIComponent(schema.$dynamicRef.slice(schema.$dynamicRef.indexOf('#') + 1)));
    }
    for (const [keyword, value] of Object.entries(schema)) {
      const at = (k: string | number) => childPointer(pointer, k);
      if (REFUSED[keyword] !== undefined) this.issue(keyword, pointer, REFUSED[keyword]);
      if (SINGLE.has(keyword)) this.check({ schema: value as SchemaRef['schema'], pointer: at(keyword) }, base);
      else if (LIST.has(keyword)) {
        if (!Array.isArray(value) || value.length === 0) this.issue(keyword, pointer, 'must be a non-empty array of schemas');
        else value.forEach((v, i) => this.check({ schema: v as SchemaRef['schema'], pointer: childPointer(at(keyword), i) }, base));
      } else if (MAP.has(keyword)) {
        if (!isObject(value)) this.issue(keyword, pointer, 'must be an object of schemas');
        else for (const [k, v] of Object.entries(value)) this.check({ schema: v as SchemaRef['schema'], pointer: childPointer(at(keyword), k) }, base);
      }
      this.checkValue(keyword, value, pointer);
    }
  }

  private checkValue(keyword: string, value: unknown, pointer: string): void {
    const bad = (message: string) => this.issue(keyword, pointer, message);
    const nonNegInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    switch (keyword) {
      case 'type': {
        const list = Array.isArray(value) ? value : [value];
        if (list.length === 0 || list.some((t) => !JSON_TYPES.includes(t as JsonType))) bad('must be a JSON type name or a list of them');
        break;
      }
      case 'enum':
        if (!Array.isArray(value)) bad('must be an array');
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        if (typeof value !== 'number' || !Number.isFinite(value)) bad('must be a number');
        break;
      case 'multipleOf':
        if (typeof value !== 'number' || !(value > 0)) bad('must be a number greater than 0');
        break;
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'minProperties':
      case 'maxProperties':
      case 'minContains':
      case 'maxContains':
        if (!nonNegInt(value)) bad('must be a non-negative integer');
        break;
      case 'pattern':
        if (typeof value !== 'string') bad('must be a string');
        break;
      case 'format':
        if (typeof value !== 'string') bad('must be a string');
        else if (UNSUPPORTED_ASSERTED_FORMATS.has(value)) bad(`format '${value}' is not supported (supported: ${Object.keys(FORMAT_PATTERNS).join(', ')})`);
        break;
      case 'required':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) bad('must be an array of strings');
        break;
      case 'dependentRequired':
        if (!isObject(value) || Object.values(value).some((v) => !Array.isArray(v) || v.some((x) => typeof x !== 'string'))) {
          bad('must map property names to arrays of strings');
        }
        break;
      case 'uniqueItems':
        if (typeof value !== 'boolean') bad('must be a boolean');
        break;
      case '$ref':
      case '$dynamicRef':
        if (typeof value !== 'string') bad('must be a string');
        break;
      default:
        break;
    }
  }

  /**
   * A schema made by the converter (its `$ref`s point into this document), as a located ref `~<n>`.
   * The same schema made for the same base is the same ref, so its rules are shared and a recursion
   * through it ends.
   *
   * @param silent a location in it (relative JSON Pointer) whose keywords evaluate nothing for
   *   `unevaluated*`: a complement
   */
  synthesize(schema: SchemaRef['schema'], at = '', silent?: string): SchemaRef {
    const text = JSON.stringify(schema);
    const key = `${this.baseOf(at)} ${silent ?? ''} ${text}`;
    const known = this.syntheticByKey.get(key);
    if (known) return known;
    if (text.includes('"$id"')) {
      this.issue('$id', at, 'a $id inside a subschema the converter rewrites (if, not, dependentSchemas) is not supported');
    }
    this.synthetic.push(schema);
    this.syntheticBase.push(this.baseOf(at));
    const ref = { schema, pointer: `~${this.synthetic.length - 1}` };
    if (silent !== undefined) this.silent.add(`${ref.pointer}${silent}`);
    this.syntheticByKey.set(key, ref);
    return ref;
  }

  /**
   * A branch standing for constraints the converter derived (no location of the document): the
   * disjuncts `unevaluated*` expands to. It has no exact complement; `flatten` returns its record.
   * `key` names what the record is derived from: the same key is the same ref (`≈<key>`), so its
   * rules are shared and a recursion through it ends; `make` runs only for a new key.
   */
  derive(key: string, make: () => Constraints): SchemaRef {
    const known = this.derivedByKey.get(key);
    if (known) return known;
    const ref: SchemaRef = { schema: {}, pointer: `≈${key}` };
    this.derivedByKey.set(key, ref);
    ref.derived = make();
    return ref;
  }

  /** The base URI that references in the subschema at `pointer` resolve against. */
  private baseOf(pointer: string): string {
    const synthetic = /^~(\d+)/.exec(pointer);
    if (synthetic) return this.syntheticBase[Number(synthetic[1])];
    for (let p = pointer; ; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      const base = this.baseAt.get(p);
      if (base !== undefined) return base;
    }
  }

  /**
   * Resolves a `$ref` (or `keyword`) value found at `pointer` (RFC 3986 against the base URI there;
   * a plain-name fragment names an `$anchor` or `$dynamicAnchor`).
   */
  resolve(ref: string, pointer: string, keyword = '$ref'): SchemaRef | undefined {
    const uri = resolveUri(ref, this.baseOf(pointer));
    const hash = uri === undefined ? -1 : uri.indexOf('#');
    const resource = uri === undefined ? undefined : this.byUri.get(hash < 0 ? uri : uri.slice(0, hash));
    if (uri === undefined || resource === undefined) {
      const where = this.options.remoteDocuments ? 'the document or the documents loaded for it' : 'the document (remote documents are not fetched)';
      this.issue(keyword, pointer, `'${ref}' names no schema in ${where}`);
      return undefined;
    }
    const fragment = hash < 0 ? '' : decodeURIComponent(uri.slice(hash + 1));
    if (fragment !== '' && !fragment.startsWith('/')) {
      const anchored = this.byUri.get(uri.slice(0, hash + 1) + fragment);
      if (!anchored) this.issue(keyword, pointer, `no $anchor '${fragment}' in the document`);
      return anchored;
    }
    let node: unknown = resource.schema;
    const tokens = fragment === '' ? [] : fragment.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    let located = resource.pointer;
    for (let token of tokens) {
      // draft-07 locations moved by `toDraft2020`: items[] → prefixItems, additionalItems → items
      if (isObject(node) && !(token in node) && token === 'items' && 'prefixItems' in node) token = 'prefixItems';
      else if (isObject(node) && token === 'additionalItems' && !('additionalItems' in node) && 'prefixItems' in node) token = 'items';
      if (typeof node !== 'object' || node === null || !(token in (node as object))) {
        this.issue(keyword, pointer, `'${ref}' does not resolve`);
        return undefined;
      }
      node = (node as Record<string, unknown>)[token];
      located = childPointer(located, token);
    }
    if (typeof node !== 'boolean' && !isObject(node)) {
      this.issue(keyword, pointer, `'${ref}' does not point to a schema`);
      return undefined;
    }
    return { schema: node as SchemaRef['schema'], pointer: located };
  }

  /**
   * Whether evaluating `ref` can read the dynamic scope (2020-12 §8.2.3.2): it holds a `$dynamicRef`
   * somewhere, or a `$ref` leads to one (followed through the document; a reference that does not
   * resolve counts as reading it).
   */
  readsDynamicScope(ref: SchemaRef): boolean {
    const visited = new Set<string>();
    const visit = (node: unknown, pointer: string): boolean => {
      if (Array.isArray(node)) return node.some((item, i) => visit(item, childPointer(pointer, i)));
      if (!isObject(node)) return false;
      if ('$dynamicRef' in node) return true;
      if (typeof node.$ref === 'string') {
        const target = this.resolve(node.$ref, pointer);
        if (target === undefined) return true;
        if (!visited.has(target.pointer)) {
          visited.add(target.pointer);
          if (visit(target.schema, target.pointer)) return true;
        }
      }
      return Object.entries(node).some(([key, value]) => visit(value, childPointer(pointer, key)));
    };
    return visit(ref.schema, ref.pointer);
  }

  /**
   * The target of a `$ref` met while building the complement of the subschema at `pointer` (see
   * `complementOf`). The complement copies the target's subschemas into a schema whose references
   * resolve against the base URI at `pointer`, so only targets in that same schema resource are
   * followed; undefined for others (no exact complement is then claimed).
   */
  resolveForComplement(ref: string, pointer: string): unknown {
    const target = this.resolve(ref, pointer);
    return target !== undefined && this.baseOf(target.pointer) === this.baseOf(pointer) ? target.schema : undefined;
  }

  /**
   * The dynamic scope after evaluation enters the schema resource holding `pointer` (2020-12 §7.1):
   * for each `$dynamicAnchor` name declared more than once in the document and named by a
   * `$dynamicRef`, the outermost resource entered so far that declares it (the only thing a
   * `$dynamicRef` reads from the scope). Names declared once need no binding (the scope can only
   * pick that one), so most documents have none.
   *
   * @param scope the scope so far (a `SchemaRef.scope`), undefined for the root's
   * @returns the new scope, as a canonical string (undefined when it binds nothing); past
   *   MAX_DYNAMIC_SCOPES distinct scopes, an issue (and `scope` unchanged, so the work stays bounded)
   */
  enterScope(scope: string | undefined, pointer: string): string | undefined {
    const base = this.baseOf(pointer);
    const bindings = new Map<string, string>(scope === undefined ? [] : (JSON.parse(scope) as Array<[string, string]>));
    for (const name of this.dynamicAnchorsIn.get(base) ?? []) {
      if ((this.dynamicAnchors.get(name) ?? 0) > 1 && this.dynamicRefNames.has(name) && !bindings.has(name)) bindings.set(name, base);
    }
    if (bindings.size === 0) return undefined;
    const entered = JSON.stringify([...bindings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (!this.scopes.has(entered) && this.scopes.size >= MAX_DYNAMIC_SCOPES) {
      if (!this.issues.some((i) => i.message === TOO_MANY_SCOPES)) this.issue('$dynamicRef', pointer, TOO_MANY_SCOPES);
      return scope;
    }
    this.scopes.add(entered);
    return entered;
  }

  /**
   * Resolves a `$dynamicRef` (2020-12 §8.2.3.2). It first resolves like `$ref`; only when its
   * fragment names the `$dynamicAnchor` of that first target does the dynamic scope pick the
   * outermost schema resource declaring the same `$dynamicAnchor` (the binding `enterScope`
   * recorded), else the first target stands.
   *
   * @param scope the dynamic scope at `pointer` (already entered)
   */
  private resolveDynamic(ref: string, pointer: string, scope: string | undefined): SchemaRef | undefined {
    const target = this.resolve(ref, pointer, '$dynamicRef');
    const hash = ref.indexOf('#');
    const fragment = hash < 0 ? '' : decodeURIComponent(ref.slice(hash + 1));
    const dynamic = target !== undefined && isObject(target.schema) && target.schema.$dynamicAnchor === fragment;
    if (!dynamic || scope === undefined) return target;
    const binding = new Map(JSON.parse(scope) as Array<[string, string]>).get(fragment);
    return binding === undefined ? target : this.byUri.get(`${binding}#${fragment}`);
  }

  /**
   * The constraints of the conjunction of `refs`: `$ref` targets and `allOf` merged in, `anyOf` and
   * `oneOf` kept as groups. A `$ref` cycle that does not go through a property or an item (so could
   * never be expanded) is an issue.
   */
  flatten(refs: SchemaRef[], active: string[] = []): Constraints {
    let out = emptyConstraints();
    for (const ref of refs) out = intersect(out, this.flattenOne(ref, active));
    return out;
  }

  /** @param silent whether the keywords evaluate nothing for `unevaluated*` (inside a complement) */
  private flattenOne(ref: SchemaRef, active: string[], silent = false): Constraints {
    const c = emptyConstraints();
    if (ref.pointer.startsWith('≈')) {
      // a derived record (one still being derived, reached again, stands for nothing)
      c.never = ref.derived === undefined;
      return ref.derived ? intersect(c, ref.derived) : c;
    }
    const { schema, pointer } = ref;
    silent ||= this.silent.has(pointer);
    if (schema === true) return c;
    const scope = this.enterScope(ref.scope, pointer);
    /** `r` evaluated in this schema's dynamic scope. */
    const scoped = (r: SchemaRef): SchemaRef => (scope === undefined ? r : { ...r, scope });
    if (schema === false || typeof schema !== 'object' || schema === null) {
      c.never = true;
      return c;
    }
    c.sources.push(ref);
    const at = (k: string | number) => childPointer(pointer, k);
    const sub = (k: string): SchemaRef => scoped({ schema: schema[k] as SchemaRef['schema'], pointer: at(k) });
    let out = c;
    const targets = [
      typeof schema.$ref === 'string' ? this.resolve(schema.$ref, pointer) : undefined,
      typeof schema.$dynamicRef === 'string' ? this.resolveDynamic(schema.$dynamicRef, pointer, scope) : undefined,
    ].map((target) => target && scoped(target));
    for (const target of targets) {
      if (!target) continue;
      if (active.includes(target.pointer)) {
        this.issue('$ref', pointer, 'a reference cycle that never reaches a property or an item cannot be expanded');
      } else {
        out = intersect(out, this.flattenOne(target, [...active, target.pointer], silent));
      }
    }
    const annotates = !silent;
    for (const key of ['anyOf', 'oneOf'] as const) {
      if (Array.isArray(schema[key])) {
        const branches = (schema[key] as unknown[]).map((s, i) => scoped({ schema: s as SchemaRef['schema'], pointer: childPointer(at(key), i) }));
        out[key].push({ value: branches, pointer, annotates });
      }
    }
    if (schema.not !== undefined) out.not.push(sub('not'));
    const conditional = this.conditionalBranches(schema, pointer)?.map(scoped);
    if (conditional) out.anyOf.push({ value: conditional, pointer, annotates });
    else if (schema.if !== undefined && annotates) {
      // a lone `if` asserts nothing, but its keys and items count as evaluated when it passes
      out.anyOf.push({ value: [sub('if'), scoped(this.synthesize(true, pointer))], pointer, annotates, tautology: true });
    }
    if (isObject(schema.dependentSchemas)) {
      for (const [key, dependent] of Object.entries(schema.dependentSchemas)) {
        // the key is absent, or present and the object also valid against the dependent schema
        // (only the dependent schema's keywords evaluate keys)
        const absent = scoped(this.synthesize({ not: { type: 'object', required: [key] } }, pointer));
        const present = scoped(this.synthesize({ required: [key], allOf: [this.inPlace(pointer, childPointer(at('dependentSchemas'), key), dependent)] }, pointer));
        out.anyOf.push({ value: [absent, present], pointer: at('dependentSchemas'), annotates });
      }
    }
    if (schema.type !== undefined) {
      const list = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is JsonType => JSON_TYPES.includes(t as JsonType));
      out.types = out.types ? intersectTypes(out.types, new Set(list)) : new Set(list);
      if (out.types.size === 0) out.never = true;
    }
    if (Array.isArray(schema.enum)) out.enums.push({ value: schema.enum, pointer });
    if ('const' in schema) out.enums.push({ value: [schema.const], pointer });
    const num = (k: string) => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
    if (num('minimum') !== undefined) out.lower.push({ value: { value: num('minimum')!, exclusive: false }, pointer });
    if (num('exclusiveMinimum') !== undefined) out.lower.push({ value: { value: num('exclusiveMinimum')!, exclusive: true }, pointer });
    if (num('maximum') !== undefined) out.upper.push({ value: { value: num('maximum')!, exclusive: false }, pointer });
    if (num('exclusiveMaximum') !== undefined) out.upper.push({ value: { value: num('exclusiveMaximum')!, exclusive: true }, pointer });
    if (num('multipleOf') !== undefined && num('multipleOf')! > 0) out.multipleOf.push({ value: num('multipleOf')!, pointer });
    if (num('minLength') !== undefined) out.minLength = Math.max(out.minLength, num('minLength')!);
    if (num('maxLength') !== undefined) out.maxLength = Math.min(out.maxLength ?? Infinity, num('maxLength')!);
    if (typeof schema.pattern === 'string') out.patterns.push({ value: schema.pattern, pointer });
    if (typeof schema.format === 'string' && FORMAT_PATTERNS[schema.format] !== undefined) out.formats.push({ value: schema.format, pointer });
    // arrays
    if (schema.prefixItems !== undefined || schema.items !== undefined) {
      out.arrayParts.push({
        pointer,
        prefixItems: Array.isArray(schema.prefixItems)
          ? schema.prefixItems.map((s, i) => scoped({ schema: s as SchemaRef['schema'], pointer: childPointer(at('prefixItems'), i) }))
          : [],
        items: schema.items !== undefined ? sub('items') : undefined,
        annotates,
      });
    }
    if (num('minItems') !== undefined) out.minItems = Math.max(out.minItems, num('minItems')!);
    if (num('maxItems') !== undefined) out.maxItems = Math.min(out.maxItems ?? Infinity, num('maxItems')!);
    if (schema.contains !== undefined) {
      out.contains.push({ value: { schema: sub('contains'), min: num('minContains') ?? 1, max: num('maxContains'), annotates }, pointer });
    }
    if (schema.uniqueItems === true) out.uniqueItems.push(pointer);
    // objects
    const hasObjectShape =
      schema.properties !== undefined || schema.patternProperties !== undefined || schema.additionalProperties !== undefined;
    if (hasObjectShape) {
      const properties = new Map<string, SchemaRef>();
      if (isObject(schema.properties)) {
        for (const key of Object.keys(schema.properties)) properties.set(key, scoped({ schema: schema.properties[key] as SchemaRef['schema'], pointer: childPointer(at('properties'), key) }));
      }
      const patternProperties = isObject(schema.patternProperties)
        ? Object.keys(schema.patternProperties).map((pattern) => ({
            pattern,
            schema: scoped({ schema: (schema.patternProperties as Record<string, unknown>)[pattern] as SchemaRef['schema'], pointer: childPointer(at('patternProperties'), pattern) }),
          }))
        : [];
      const explicit = schema.additionalProperties !== undefined;
      out.objectParts.push({
        pointer,
        properties,
        patternProperties,
        additionalProperties: explicit
          ? sub('additionalProperties')
          : { schema: this.options.additionalPropertiesDefault ?? true, pointer: at('additionalProperties') },
        explicitAdditional: explicit,
        annotates,
      });
    }
    if (Array.isArray(schema.required)) for (const k of schema.required) if (typeof k === 'string') out.required.add(k);
    if (schema.propertyNames !== undefined) out.propertyNames.push(sub('propertyNames'));
    if (num('minProperties') !== undefined && num('minProperties')! > (out.minProperties?.value ?? 0)) {
      out.minProperties = { value: num('minProperties')!, pointer };
    }
    if (num('maxProperties') !== undefined) out.maxProperties = Math.min(out.maxProperties ?? Infinity, num('maxProperties')!);
    if (isObject(schema.dependentRequired)) {
      for (const [k, v] of Object.entries(schema.dependentRequired)) {
        if (Array.isArray(v)) out.dependentRequired.set(k, new Set([...(out.dependentRequired.get(k) ?? []), ...(v as string[])]));
      }
    }
    // allOf last: its properties come after the schema's own in declaration order
    if (Array.isArray(schema.allOf)) {
      schema.allOf.forEach((s, i) => {
        out = intersect(out, this.flattenOne(scoped({ schema: s as SchemaRef['schema'], pointer: childPointer(at('allOf'), i) }), active, silent));
      });
    }
    if (schema.unevaluatedProperties !== undefined) {
      out = this.closeProperties(out, sub('unevaluatedProperties'), pointer, { keys: [], patterns: [] }, active);
    }
    if (schema.unevaluatedItems !== undefined) {
      out = this.closeItems(out, sub('unevaluatedItems'), pointer, { prefix: 0, contains: [] }, active);
    }
    return silent ? unannotated(out) : out;
  }

  /**
   * `unevaluatedProperties` (2020-12 §11.3): the keys no annotating keyword of `c` evaluates must be
   * valid against `unevaluated`. Evaluated are the keys of in-place `properties`/`patternProperties`
   * (the schema's own, `allOf`, `$ref`, and the branches of `anyOf`/`oneOf`/`if`/`dependentSchemas`
   * that pass), or every key once one has `additionalProperties` or an `unevaluatedProperties`
   * (complements evaluate nothing). Without branch groups that is one more object part. With them,
   * which branches pass depends on the value, so the record becomes a disjunction over the choices
   * (per `anyOf` group every non-empty subset of its branches, per `oneOf` group each branch) of
   * "the chosen branches hold, and every key none of them (nor `before`) evaluates is valid against
   * `unevaluated`". That is exact: evaluating more keys only relaxes the condition, so the choice of
   * all passing branches is the weakest, and any other true disjunct implies it; the `anyOf` groups
   * are implied by each disjunct, the `oneOf` groups stay. Too many choices is an issue.
   */
  private closeProperties(c: Constraints, unevaluated: SchemaRef, pointer: string, before: { keys: string[]; patterns: string[] }, active: string[]): Constraints {
    const parts = c.objectParts.filter((p) => p.annotates);
    if (c.evaluatedAll.properties || parts.some((p) => p.explicitAdditional)) return c;
    const keys = [...new Set([...before.keys, ...parts.flatMap((p) => [...p.properties.keys()])])];
    const patterns = [...new Set([...before.patterns, ...parts.flatMap((p) => p.patternProperties.map((pp) => pp.pattern))])];
    const choices = this.branchChoices(c, 'unevaluatedProperties', pointer);
    if (choices === undefined) return c;
    if (choices.length === 0) {
      const evaluated: SchemaRef = { schema: true, pointer: unevaluated.pointer };
      const part: ObjectPart = {
        pointer,
        properties: new Map(keys.map((key) => [key, evaluated])),
        patternProperties: patterns.map((pattern) => ({ pattern, schema: evaluated })),
        additionalProperties: unevaluated,
        explicitAdditional: true,
        annotates: true,
      };
      return { ...c, objectParts: [...c.objectParts, part] };
    }
    const disjuncts = choices.map((choice) =>
      this.derive(`properties ${refKey(unevaluated)} ${JSON.stringify([keys, patterns])} ${choice.map(refKey).join(' ')}`, () =>
        this.closeProperties(this.flatten(choice, active), unevaluated, pointer, { keys, patterns }, active),
      ),
    );
    return withDisjuncts(c, disjuncts, pointer, 'properties');
  }

  /**
   * `unevaluatedItems` (2020-12 §11.2), as `closeProperties` does for keys: evaluated are the
   * positions of in-place `prefixItems`, every position once one has `items` or an
   * `unevaluatedItems`, and each item matching an in-place `contains` (so a position past the
   * prefixes must be valid against one of the `contains` schemas or against `unevaluated`).
   */
  private closeItems(c: Constraints, unevaluated: SchemaRef, pointer: string, before: { prefix: number; contains: SchemaRef[] }, active: string[]): Constraints {
    const parts = c.arrayParts.filter((p) => p.annotates);
    if (c.evaluatedAll.items || parts.some((p) => p.items !== undefined)) return c;
    const prefix = Math.max(before.prefix, ...parts.map((p) => p.prefixItems.length));
    const contains = [...before.contains, ...c.contains.filter((k) => k.value.annotates).map((k) => k.value.schema)];
    const choices = this.branchChoices(c, 'unevaluatedItems', pointer);
    if (choices === undefined) return c;
    if (choices.length === 0) {
      const either = [...contains, unevaluated];
      const items =
        contains.length === 0
          ? unevaluated
          : this.derive(`either ${either.map(refKey).join(' ')}`, () => ({ ...emptyConstraints(), anyOf: [{ value: either, pointer, annotates: false }] }));
      const prefixItems = Array.from({ length: prefix }, () => ({ schema: true, pointer: unevaluated.pointer }));
      return { ...c, arrayParts: [...c.arrayParts, { pointer, prefixItems, items, annotates: true }] };
    }
    const disjuncts = choices.map((choice) =>
      this.derive(`items ${refKey(unevaluated)} ${JSON.stringify([prefix, contains.map(refKey)])} ${choice.map(refKey).join(' ')}`, () =>
        this.closeItems(this.flatten(choice, active), unevaluated, pointer, { prefix, contains }, active),
      ),
    );
    return withDisjuncts(c, disjuncts, pointer, 'items');
  }

  /**
   * The choices of passing branches whose annotations count: per annotating `anyOf` group each
   * non-empty subset, per annotating `oneOf` group each branch; `[]` when there is no such group,
   * undefined (an issue) when there are too many.
   */
  private branchChoices(c: Constraints, keyword: string, pointer: string): SchemaRef[][] | undefined {
    const anyOf = c.anyOf.filter((g) => g.annotates);
    const oneOf = c.oneOf.filter((g) => g.annotates);
    if (anyOf.length === 0 && oneOf.length === 0) return [];
    if (anyOf.some((g) => g.value.length > MAX_ANNOTATING_BRANCHES)) {
      this.issue(keyword, pointer, `${keyword} next to an anyOf of more than ${MAX_ANNOTATING_BRANCHES} branches is not supported`);
      return undefined;
    }
    const count = [...anyOf.map((g) => 2 ** g.value.length - 1), ...oneOf.map((g) => g.value.length)].reduce((a, b) => a * b, 1);
    if (count > MAX_CHOICES) {
      this.issue(keyword, pointer, `${keyword} would need more than ${MAX_CHOICES} alternatives (one per choice of passing anyOf/oneOf/if branches)`);
      return undefined;
    }
    let choices: SchemaRef[][] = [[]];
    for (const group of anyOf) choices = choices.flatMap((choice) => nonEmptySubsets(group.value).map((subset) => [...choice, ...subset]));
    for (const group of oneOf) choices = choices.flatMap((choice) => group.value.map((branch) => [...choice, branch]));
    return choices;
  }

  /**
   * `if`/`then`/`else` (2020-12 §10.2.2) as the two branches `if ∧ then` and `¬if ∧ else`, where
   * `¬if` is the exact complement of `if` (see `complementOf`); undefined when there is no `then`
   * or `else` (no assertion). Without an exact complement, `if` is an issue.
   */
  private conditionalBranches(schema: Record<string, unknown>, pointer: string): SchemaRef[] | undefined {
    if (schema.if === undefined || (schema.then === undefined && schema.else === undefined)) return undefined;
    const condition = schema.if as SchemaRef['schema'];
    const complement = complementOf(condition, (target) => this.resolveForComplement(target, pointer));
    if (complement === undefined) {
      this.issue('if', pointer, "'if' has no exact complement (needed for 'else'), so if/then/else cannot be enforced");
      return undefined;
    }
    const branch = (first: unknown, second: unknown, silent?: string) =>
      this.synthesize({ allOf: [first, second ?? true] } as SchemaRef['schema'], pointer, silent);
    const located = (k: string) => (schema[k] === undefined ? undefined : this.inPlace(pointer, childPointer(pointer, k), schema[k]));
    return [branch(located('if'), located('then')), branch(complement, located('else'), '/allOf/0')]; // ¬if evaluates nothing
  }

  /**
   * What a synthetic schema made at `at` holds for the document's subschema `schema` at `pointer`:
   * a `$ref` to that location when `at` is in the root resource (where the fragment is a document
   * pointer), so the subschema's own `$id`s and references keep their meaning and it is evaluated
   * in its own resource; else the subschema itself.
   */
  private inPlace(at: string, pointer: string, schema: unknown): unknown {
    if (pointer.startsWith('~') || this.baseOf(at) !== this.baseAt.get('')) return schema;
    return { $ref: `#${pointer.split('/').map(encodeURIComponent).join('/')}` };
  }
}

/** Base URI of a document without `$id` (never fetched; only its fragments are ever resolved). */
const DEFAULT_BASE = 'https://llama-tools-server.invalid/schema.json';

/** `ref` resolved against `base` (RFC 3986 §5 as WHATWG URL does it), or undefined if it is not a URI reference. */
export function resolveUri(ref: string, base: string): string | undefined {
  try {
    return new URL(ref, base).href;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `c` where the annotating branch groups are replaced by one group of `disjuncts` (which imply the
 * `anyOf` groups; the `oneOf` groups stay as assertions), and every key or item counts as evaluated.
 */
function withDisjuncts(c: Constraints, disjuncts: SchemaRef[], pointer: string, evaluated: 'properties' | 'items'): Constraints {
  return {
    ...c,
    anyOf: [...c.anyOf.filter((g) => !g.annotates), { value: disjuncts, pointer, annotates: false }],
    oneOf: c.oneOf.map((g) => ({ ...g, annotates: false })),
    evaluatedAll: { ...c.evaluatedAll, [evaluated]: true },
  };
}

/** `c` evaluating no key and no item (a complement's keywords annotate nothing). */
function unannotated(c: Constraints): Constraints {
  return {
    ...c,
    objectParts: c.objectParts.map((p) => ({ ...p, annotates: false })),
    arrayParts: c.arrayParts.map((p) => ({ ...p, annotates: false })),
    contains: c.contains.map((k) => ({ ...k, value: { ...k.value, annotates: false } })),
    anyOf: c.anyOf.map((g) => ({ ...g, annotates: false })),
    oneOf: c.oneOf.map((g) => ({ ...g, annotates: false })),
    evaluatedAll: { properties: false, items: false },
  };
}

/** Every non-empty subset of `items`, in a stable order. */
function nonEmptySubsets<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++) out.push(items.filter((_, i) => (mask & (1 << i)) !== 0));
  return out;
}

/** Whether a schema object has no keyword beyond annotations (accepts every value). */
export function isUnconstrained(c: Constraints): boolean {
  return (
    !c.never && c.types === undefined && c.enums.length === 0 && c.lower.length === 0 && c.upper.length === 0 &&
    c.multipleOf.length === 0 && c.minLength === 0 && c.maxLength === undefined && c.patterns.length === 0 &&
    c.formats.length === 0 && c.arrayParts.length === 0 && c.minItems === 0 && c.maxItems === undefined &&
    c.contains.length === 0 && c.uniqueItems.length === 0 && c.objectParts.every((p) => p.properties.size === 0 && p.patternProperties.length === 0 && p.additionalProperties.schema === true) &&
    c.required.size === 0 && c.propertyNames.length === 0 && c.minProperties === undefined &&
    c.maxProperties === undefined && c.dependentRequired.size === 0 && c.anyOf.every((g) => g.tautology) &&
    c.oneOf.length === 0 && c.not.length === 0
  );
}

