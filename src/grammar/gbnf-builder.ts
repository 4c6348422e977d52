import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidateFunction } from 'ajv/dist/2020';
import { canonicalJson } from './canonical-json';
import { CodePointRange, MAX_GBNF_REPETITION, RepetitionLimitError, gbnfLiteral, repeat } from './gbnf-text';
import { createAjv } from './json-validator';
import { NumberGrammarError, numberExpression } from './number-grammar';
import { RegexError, RegexNode, jsonCharSet, parseRegex, regexLengths, regexToGbnf } from './regex-to-gbnf';
import { complementOf } from './schema-complement';
import { SchemaConversionError } from './schema-conversion-error';
import { toDraft2020 } from './schema-dialect';
import {
  Constraints,
  ConversionOptions,
  JSON_TYPES,
  JsonType,
  ObjectPart,
  SchemaRef,
  SchemaTree,
  intersect,
  isObject,
  isUnconstrained,
  refKey,
} from './schema-tree';
import { KeyAutomaton } from './key-automaton';
import { withMetaSchemas } from './meta-schemas';
import { withRemoteDocuments } from './remote-documents';
import { intersectionToGbnf } from './string-intersection';
import { UniquePosition, chainLadder, uniqueItemsRule } from './unique-items';
import { FORMAT_PATTERNS } from './string-formats';

/** Directory of the primitive `.gbnf` files (repository root `grammars/`, from src/ or dist/). */
const GRAMMARS_DIR = join(__dirname, '..', '..', 'grammars');

/** Primitive rules by name, parsed once from `grammars/*.gbnf`. */
let primitives: Map<string, string> | undefined;

function loadPrimitives(): Map<string, string> {
  if (primitives) return primitives;
  const rules = new Map<string, string>();
  for (const file of ['json.gbnf', 'number.gbnf']) {
    for (const line of readFileSync(join(GRAMMARS_DIR, file), 'utf8').split('\n')) {
      const match = /^([a-zA-Z0-9-]+) ::= (.*)$/.exec(line);
      if (match) rules.set(match[1], match[2]);
    }
  }
  primitives = rules;
  return rules;
}

/** Longest rule name made from a hint (deep schemas chain long hints). */
const MAX_RULE_NAME = 64;
/** Caps on work per schema, so a hostile schema cannot make the converter explode. */
const MAX_ALTERNATIVES = 64;
const MAX_STATES = 4096;
/** Automaton states one string's intersected patterns, length range and excluded values may need. */
const MAX_STRING_STATES = 2048;
const MAX_DEPENDENT_KEYS = 4;
/** `contains` keywords of one array counted together (subsets of them per item). */
const MAX_CONTAINS = 3;
/** Distinct item values a `uniqueItems` array can track (states: subsets of them). */
const MAX_UNIQUE_VALUES = 12;
/** The JSON kinds items of a `uniqueItems` array are classed by (values of different kinds differ). */
const UNIQUE_KINDS = ['null', 'boolean', 'number', 'string', 'array', 'object'] as const;
/**
 * Disjoint classes of strings a `uniqueItems` array takes at most one string from, in this order:
 * the empty string (null), then by first code point (control characters, each printable ASCII
 * character, everything above). Strings of different classes always differ.
 */
const STRING_BUCKETS: Array<CodePointRange[] | null> = [
  null,
  [[0x00, 0x1f]],
  ...Array.from({ length: 0x7f - 0x20 }, (_, i): CodePointRange[] => [[0x20 + i, 0x20 + i]]),
  [[0x7f, 0x10ffff]],
];
/** Strings a chain splits by first character: enum values, or a length range less some values. */
type ChainableStrings = { values: string[] } | { min: number; max?: number; excluded: string[] };
/** Objects with at most this many named properties accept them in any order; larger ones in declaration order. */
const ANY_ORDER_MEMBERS = 4;
/** A rule body matching nothing (the body of a reserved rule that turned out empty). */
const NOTHING = '[^\\x00-\\U0010FFFF]';

const CHAR = 'char';

/** ajv's id for the document being converted. */
const DOCUMENT_ID = 'urn:llama-tools-server:schema';

/** A synthetic schema with its `#…` references pointed at the document (for ajv). */
function toDocumentRefs(schema: unknown, documentId: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toDocumentRefs(item, documentId));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) =>
      k === '$ref' && typeof v === 'string' && v.startsWith('#') ? [k, `${documentId}${v}`] : [k, toDocumentRefs(v, documentId)],
    ),
  );
}

/**
 * Builds one GBNF grammar (llama.cpp grammars/README.md) from any number of JSON Schemas and
 * hand-written rules: tool calling puts several argument schemas into one grammar. Rule names are
 * deterministic (derived from the names given and schema locations), identical rule bodies are
 * shared, and `build` prints only the rules reachable from `root`, sorted by name.
 */
export class GbnfBuilder {
  private readonly rules = new Map<string, string>();
  private readonly nameOfBody = new Map<string, string>();

  /**
   * Adds a rule named `name` (made unique and GBNF-safe: `[a-zA-Z0-9-]`) with `body`; when an
   * identical body already exists, its rule is reused.
   *
   * @returns the rule's name
   */
  addRule(name: string, body: string): string {
    const existing = this.nameOfBody.get(body);
    if (existing) return existing;
    const unique = this.reserve(name);
    this.define(unique, body);
    return unique;
  }

  /** A GBNF string literal matching exactly `text` (every special character escaped). */
  literal(text: string): string {
    return gbnfLiteral(text);
  }

  /**
   * Converts a JSON Schema (2020-12, draft-07 forms accepted) into rules matching exactly the
   * compact JSON texts valid against it (within the documented digit caps), and returns the name
   * of the rule for its value.
   *
   * @param name base of the rule names (e.g. a tool name)
   * @throws SchemaConversionError listing every keyword that cannot be enforced exactly
   */
  addSchema(schema: unknown, name: string, options: ConversionOptions = {}): string {
    const draft = toDraft2020(schema);
    if (typeof draft !== 'boolean' && !isObject(draft)) {
      throw new SchemaConversionError([{ keyword: '$schema', pointer: '', message: 'a schema must be an object or a boolean' }]);
    }
    const document = withMetaSchemas(withRemoteDocuments(draft, options.remoteDocuments));
    const tree = new SchemaTree(document, options);
    const emitter = new SchemaEmitter(this, tree);
    // emitted even when the keyword check found issues, so that every issue is reported at once
    const rule = emitter.ruleFor([{ schema: document, pointer: '' }], name);
    if (tree.issues.length > 0) throw new SchemaConversionError(tree.issues);
    if (rule === null) {
      throw new SchemaConversionError([{ keyword: 'false', pointer: '', message: 'the schema accepts no JSON value' }]);
    }
    return rule;
  }

  /**
   * The complete grammar: `root ::= rootBody` and every rule it reaches (primitives from
   * `grammars/*.gbnf` included), sorted by name, one per line.
   */
  build(rootBody: string): string {
    const all = new Map(loadPrimitives());
    for (const [name, body] of this.rules) all.set(name, body);
    all.set('root', rootBody);
    const reachable = new Set<string>();
    const visit = (name: string) => {
      if (reachable.has(name)) return;
      const body = all.get(name);
      if (body === undefined || body === '') throw new Error(`GBNF rule '${name}' is not defined`);
      reachable.add(name);
      for (const ref of referencedNames(body)) visit(ref);
    };
    visit('root');
    return [...reachable]
      .sort()
      .map((name) => `${name} ::= ${all.get(name)}`)
      .join('\n')
      .concat('\n');
  }

  /**
   * A fresh rule name based on `name` (used for recursive rules, defined later with `define`); a long
   * name keeps its start and end (MAX_RULE_NAME characters in all, before a uniqueness suffix).
   */
  reserve(name: string): string {
    const safe = name.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'rule';
    const base = safe.length <= MAX_RULE_NAME ? safe : `${safe.slice(0, 20)}-${safe.slice(21 - MAX_RULE_NAME)}`.replace(/-{2,}/g, '-');
    const taken = (n: string) => this.rules.has(n) || loadPrimitives().has(n) || n === 'root';
    let unique = base;
    for (let i = 2; taken(unique); i++) unique = `${base}-${i}`;
    this.rules.set(unique, '');
    return unique;
  }

  /** Sets the body of a reserved rule. */
  define(name: string, body: string): void {
    this.rules.set(name, body);
    if (!this.nameOfBody.has(body)) this.nameOfBody.set(body, name);
  }

  /**
   * Sets the body of a reserved rule to the alternatives `options`, or, when there are none, to a
   * body no text matches.
   *
   * @returns the rule's name, or null when there were no alternatives
   */
  defineAlternatives(name: string, options: string[]): string | null {
    this.define(name, options.length === 0 ? NOTHING : options.join(' | '));
    return options.length === 0 ? null : name;
  }
}

/** Rule names referenced by a GBNF body (outside literals and classes). */
function referencedNames(body: string): string[] {
  const names: string[] = [];
  const stripped = body.replace(/"(?:[^"\\]|\\.)*"|\[(?:[^\]\\]|\\.)*\]/g, ' ');
  for (const match of stripped.matchAll(/[a-zA-Z0-9-]+/g)) {
    if (!/^\d+$/.test(match[0])) names.push(match[0]);
  }
  return names;
}

/**
 * A complete GBNF grammar whose `root` matches exactly the compact JSON texts valid against
 * `schema` (JSON Schema 2020-12; draft-07 forms accepted), within the digit caps of
 * `number-grammar.ts`.
 *
 * @throws SchemaConversionError listing every keyword that cannot be enforced exactly
 */
export function schemaToGbnf(schema: unknown, options: ConversionOptions = {}): string {
  const builder = new GbnfBuilder();
  const rule = builder.addSchema(schema, 'value-of-root', options);
  return builder.build(rule);
}

/** A numeric bound (JSON Schema minimum/maximum, exclusive or not). */
type Bound = { value: number; exclusive: boolean };

const wrap = (e: string): string => (/^([a-zA-Z0-9-]+|"([^"\\]|\\.)*"|\[([^\]\\]|\\.)*\])$/.test(e) ? e : `(${e})`);
const alt = (options: string[]): string => (options.length === 1 ? options[0] : options.join(' | '));

/** Step two: constraint records → GBNF rules. */
class SchemaEmitter {
  private readonly memo = new Map<string, string | null>();
  /** String rules already emitted, by pattern/format sources, length bounds and excluded values (null: none qualifies). */
  private readonly strings = new Map<string, string | null>();
  private validators?: { compile(pointer: string): ValidateFunction };

  constructor(
    private readonly builder: GbnfBuilder,
    private readonly tree: SchemaTree,
  ) {}

  private issue(keyword: string, pointer: string, message: string): void {
    this.tree.issue(keyword, pointer, message);
  }

  /** Rule for the conjunction of `refs`, or null when no value satisfies it. */
  ruleFor(refs: SchemaRef[], hint: string): string | null {
    const relevant = refs.filter((r) => r.schema !== true);
    if (relevant.length === 0) return 'value';
    const key = [...new Set(relevant.map(refKey))].sort().join('|');
    if (this.memo.has(key)) return this.memo.get(key) ?? null;
    const name = this.builder.reserve(hint);
    this.memo.set(key, name);
    const body = this.emit(this.tree.flatten(relevant), hint);
    if (body === null) {
      this.memo.set(key, null);
      this.builder.define(name, NOTHING);
      return null;
    }
    this.builder.define(name, body);
    return name;
  }

  /** The body matching the values satisfying `c`, or null when none does. */
  private emit(c: Constraints, hint: string): string | null {
    if (c.never) return null;
    c = this.expandNots({ ...c, anyOf: c.anyOf.filter((g) => !g.tautology) });
    if (c.never) return null;
    if (c.enums.length > 0) return this.emitEnum(c);
    if (c.anyOf.length > 0 || c.oneOf.length > 0) return this.emitBranches(c, hint);
    return this.emitTypes(c, hint);
  }

  /** The complement (see `complementOf`) of `ref`, as a synthetic ref, when it has an exact schema. */
  private complementRef(ref: SchemaRef): SchemaRef | undefined {
    if (ref.derived) return undefined;
    const complement = complementOf(ref.schema, (target) => this.tree.resolveForComplement(target, ref.pointer));
    if (complement === undefined) return undefined;
    const synthetic = this.tree.synthesize(complement as SchemaRef['schema'], ref.pointer);
    return ref.scope === undefined ? synthetic : { ...synthetic, scope: ref.scope };
  }

  /**
   * Each `not` that is more than types or values (handled per type in `emitTypes`) becomes the
   * conjunction with its complement schema, when there is one; the others stay for `emitTypes` to
   * refuse.
   */
  private expandNots(c: Constraints): Constraints {
    let out: Constraints = { ...c, not: [] };
    for (const notRef of c.not) {
      const n = this.tree.flatten([notRef]);
      const simple =
        n.never ||
        isUnconstrained({ ...n, types: undefined }) ||
        (n.enums.length > 0 && isUnconstrained({ ...n, types: undefined, enums: [] }));
      const complement = simple ? undefined : this.complementRef(notRef);
      if (complement) out = intersect(out, this.tree.flatten([complement]));
      else out.not.push(notRef);
    }
    return out;
  }

  /**
   * `anyOf`/`oneOf`: distributes the rest over the branches. Exact for anyOf; for oneOf when the
   * branches are provably disjoint, or else as `anyOf_i (Bᵢ ∧ ¬Bⱼ for j ≠ i)` when every branch has
   * an exact complement.
   */
  private emitBranches(c: Constraints, hint: string): string | null {
    const total = [...c.anyOf, ...c.oneOf].reduce((product, g) => product * g.value.length, 1);
    const [group, kind] = c.anyOf.length > 0 ? [c.anyOf[0], 'anyOf' as const] : [c.oneOf[0], 'oneOf' as const];
    const rest: Constraints = { ...c, anyOf: kind === 'anyOf' ? c.anyOf.slice(1) : c.anyOf, oneOf: kind === 'oneOf' ? c.oneOf.slice(1) : c.oneOf };
    let branches = group.value.map((branch) => intersect(rest, this.tree.flatten([branch])));
    if (kind === 'oneOf' && !this.pairwiseDisjoint(branches)) {
      const complements = group.value.map((branch) => this.complementRef(branch));
      if (complements.some((complement) => complement === undefined)) {
        this.issue('oneOf', group.pointer, 'the branches may overlap, and not every branch has an exact complement (oneOf needs one or the other)');
        return null;
      }
      branches = branches.map((branch, i) =>
        intersect(branch, this.tree.flatten(complements.filter((_, j) => j !== i) as SchemaRef[])),
      );
    }
    if (total > MAX_ALTERNATIVES) {
      this.issue(kind, group.pointer, `more than ${MAX_ALTERNATIVES} alternatives after distributing over sibling keywords`);
      return null;
    }
    const options: string[] = [];
    branches.forEach((branch, i) => {
      const body = this.emit(branch, `${hint}-${i}`);
      if (body !== null) options.push(this.builder.addRule(`${hint}-${kind}-${i}`, body));
    });
    return options.length === 0 ? null : alt(options);
  }

  /** Types a record can take (after its enums), for disjointness checks. */
  private typesOf(c: Constraints): Set<string> {
    if (c.never) return new Set();
    if (c.enums.length > 0) return new Set(this.enumValues(c).map(jsonTypeOf));
    const types = c.types ?? new Set(JSON_TYPES);
    const out = new Set<string>();
    for (const t of types) out.add(t === 'number' ? 'number' : t === 'integer' ? 'number' : t);
    return out;
  }

  private pairwiseDisjoint(branches: Constraints[]): boolean {
    for (let i = 0; i < branches.length; i++) {
      for (let j = i + 1; j < branches.length; j++) if (!this.disjoint(branches[i], branches[j])) return false;
    }
    return true;
  }

  private disjoint(a: Constraints, b: Constraints): boolean {
    if (a.never || b.never) return true;
    const ta = this.typesOf(a);
    const tb = this.typesOf(b);
    if (![...ta].some((t) => tb.has(t))) return true;
    if (a.enums.length > 0 && b.enums.length > 0) {
      const va = new Set(this.enumValues(a).map(canonicalJson));
      return !this.enumValues(b).some((v) => va.has(canonicalJson(v)));
    }
    // objects only, with a property both require whose const/enum values differ
    if ([...ta].every((t) => t === 'object') || [...tb].every((t) => t === 'object')) {
      for (const key of a.required) {
        if (!b.required.has(key)) continue;
        const va = this.propertyValues(a, key);
        const vb = this.propertyValues(b, key);
        if (va && vb && !va.some((v) => vb.includes(v))) return true;
      }
    }
    return false;
  }

  /** Canonical JSON of the finite values a required property may take, if its schema is a const/enum. */
  private propertyValues(c: Constraints, key: string): string[] | undefined {
    const refs = c.objectParts.flatMap((p) => (p.properties.has(key) ? [p.properties.get(key)!] : []));
    if (refs.length === 0) return undefined;
    const sub = this.tree.flatten(refs);
    if (sub.enums.length === 0) return undefined;
    return this.enumValues(sub).map(canonicalJson);
  }

  /** The values of the record's enums satisfying every schema it came from (checked with ajv). */
  private enumValues(c: Constraints): unknown[] {
    let values = c.enums[0].value;
    for (const other of c.enums.slice(1)) {
      const allowed = new Set(other.value.map(canonicalJson));
      values = values.filter((v) => allowed.has(canonicalJson(v)));
    }
    const seen = new Set<string>();
    return values.filter((value) => {
      const key = canonicalJson(value);
      if (seen.has(key)) return false;
      seen.add(key);
      return c.sources.every((source) =>
        isEnumOnly(source.schema) ? hasAllowedType(source.schema, value) : this.validatorFor(source)(value),
      );
    });
  }

  /**
   * ajv's validator for `ref`. ajv evaluates the location alone, in its own dynamic scope, so where
   * the converter specialised the location to a dynamic scope (`ref.scope`) and the location can
   * read it (`readsDynamicScope`), the check is refused (an issue, and a validator rejecting everything).
   */
  private validatorFor(ref: SchemaRef): ValidateFunction | ((value: unknown) => boolean) {
    if (ref.scope !== undefined && this.tree.readsDynamicScope(ref)) {
      this.issue('$dynamicRef', ref.pointer, 'a finite set of values checked under a $dynamicRef resolved through the dynamic scope is not supported');
      return () => false;
    }
    return this.validatorAt(ref.pointer);
  }

  /** ajv's validator for the schema at `pointer` (a document location, or a `~<n>` synthetic one). */
  private validatorAt(pointer: string): ValidateFunction {
    if (!this.validators) {
      const ajv = createAjv(false);
      const root = this.tree.root;
      const doc = typeof root === 'object' ? { ...root } : root;
      // an absolute root $id stays the document's id, as the base its relative references resolve against
      const rootId = typeof doc === 'object' && typeof doc.$id === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:[^#]*#?$/.test(doc.$id) ? doc.$id.replace(/#$/, '') : undefined;
      if (typeof doc === 'object') delete doc.$id;
      const documentId = rootId ?? DOCUMENT_ID;
      ajv.addSchema(doc as object, documentId);
      const added = new Set<number>();
      const cache = new Map<string, ValidateFunction>();
      this.validators = {
        compile: (p: string) => {
          let v = cache.get(p);
          if (!v) {
            const synthetic = /^~(\d+)(.*)$/.exec(p);
            let base = documentId;
            let path = p;
            if (synthetic) {
              const index = Number(synthetic[1]);
              base = `${DOCUMENT_ID}:${index}`;
              path = synthetic[2];
              if (!added.has(index)) {
                ajv.addSchema(toDocumentRefs(this.tree.synthetic[index], documentId) as object, base);
                added.add(index);
              }
            }
            v = ajv.compile({ $ref: `${base}#${path.split('/').map(encodeURIComponent).join('/')}` });
            cache.set(p, v);
          }
          return v;
        },
      };
    }
    return this.validators.compile(pointer);
  }

  private emitEnum(c: Constraints): string | null {
    const values = this.enumValues(c);
    if (values.length === 0) return null;
    return alt(values.map((v) => valueLiteral(v)));
  }

  /** Per type: the alternatives for each JSON type the record allows. */
  private emitTypes(c: Constraints, hint: string): string | null {
    const allowed = new Set<JsonType>(c.types ?? JSON_TYPES);
    if (allowed.has('number')) allowed.delete('integer');
    const excludedStrings: string[] = [];
    const excludedNumbers: number[] = [];
    const booleans = new Set([true, false]);
    let nonInteger = false;
    for (const notRef of c.not) {
      const n = this.tree.flatten([notRef]);
      if (n.never) continue;
      if (isUnconstrained(n)) return null;
      const nTypes = n.types ?? new Set(JSON_TYPES);
      const onlyTypes = isUnconstrained({ ...n, types: undefined });
      if (onlyTypes) {
        for (const t of nTypes) {
          if (t === 'integer' && allowed.has('number') && !nTypes.has('number')) {
            nonInteger = true;
            continue;
          }
          allowed.delete(t);
          if (t === 'number') allowed.delete('integer');
        }
        continue;
      }
      const onlyValues = n.enums.length > 0 && isUnconstrained({ ...n, types: undefined, enums: [] });
      if (onlyValues) {
        for (const v of this.enumValues(n)) {
          if (v === null) allowed.delete('null');
          else if (typeof v === 'boolean') booleans.delete(v);
          else if (typeof v === 'string') excludedStrings.push(v);
          else if (typeof v === 'number') excludedNumbers.push(v);
          else if (allowed.has(jsonTypeOf(v) as JsonType)) {
            this.issue('not', notRef.pointer, `excluding the ${jsonTypeOf(v)} ${JSON.stringify(v)} is not supported`);
          }
        }
        continue;
      }
      const overlap = [...nTypes].some((t) => allowed.has(t) || (t === 'integer' && allowed.has('number')) || (t === 'number' && allowed.has('integer')));
      if (overlap) this.issue('not', notRef.pointer, "only 'not' of types, const or enum values can be enforced exactly");
    }
    if (booleans.size === 0) allowed.delete('boolean');
    const options: string[] = [];
    for (const type of JSON_TYPES) {
      if (!allowed.has(type)) continue;
      let body: string | null = null;
      switch (type) {
        case 'null':
          body = 'null';
          break;
        case 'boolean':
          body = booleans.size === 2 ? 'boolean' : gbnfLiteral(String([...booleans][0]));
          break;
        case 'integer':
        case 'number':
          body = this.emitNumber(c, type === 'integer', nonInteger, excludedNumbers, hint);
          break;
        case 'string':
          body = this.emitString(c, excludedStrings, hint);
          break;
        case 'array':
          body = this.emitArray(c, hint);
          break;
        case 'object':
          body = this.emitObject(c, hint);
          break;
      }
      if (body !== null) options.push(body);
    }
    return options.length === 0 ? null : alt(options.map((o) => (options.length > 1 ? wrap(o) : o)));
  }

  /**
   * The numbers (integers when `integer`, non-integers when `nonInteger`) within the bounds and
   * multiples of `c`, `excluded` values left out by splitting the range at each of them.
   */
  private emitNumber(c: Constraints, integer: boolean, nonInteger: boolean, excluded: number[], hint: string): string | null {
    const unconstrained = c.lower.length === 0 && c.upper.length === 0 && c.multipleOf.length === 0;
    if (unconstrained && !nonInteger && excluded.length === 0) return integer ? 'integer' : 'number';
    const tighter = (a: Bound, b: Bound, lower: boolean) => (a.value === b.value ? (a.exclusive ? a : b) : (a.value > b.value) === lower ? a : b);
    const lower = c.lower.map((l) => l.value).reduce<Bound | undefined>((acc, l) => (acc ? tighter(acc, l, true) : l), undefined);
    const upper = c.upper.map((l) => l.value).reduce<Bound | undefined>((acc, l) => (acc ? tighter(acc, l, false) : l), undefined);
    let ranges: Array<{ lower?: Bound; upper?: Bound }> = [{ lower, upper }];
    for (const value of [...new Set(excluded)].sort((a, b) => a - b)) {
      ranges = ranges.flatMap((r) => {
        const above = r.lower === undefined || r.lower.value < value || (r.lower.value === value && !r.lower.exclusive);
        const below = r.upper === undefined || r.upper.value > value || (r.upper.value === value && !r.upper.exclusive);
        if (!above || !below) return [r];
        return [
          { lower: r.lower, upper: { value, exclusive: true } },
          { lower: { value, exclusive: true }, upper: r.upper },
        ];
      });
    }
    try {
      const expressions = ranges.flatMap((range) => {
        const expression = numberExpression(
          { integer, nonInteger, lower: range.lower, upper: range.upper, multipleOf: c.multipleOf.map((m) => m.value) },
          (nameHint, body) => this.builder.addRule(`${hint}-${nameHint}`, body),
        );
        return expression === undefined ? [] : [expression];
      });
      const kind = integer ? 'integer' : nonInteger ? 'non-integer' : 'number';
      return expressions.length === 0 ? null : this.builder.addRule(`${hint}-${kind}`, expressions.length === 1 ? expressions[0] : alt(expressions.map(wrap)));
    } catch (error) {
      if (!(error instanceof NumberGrammarError)) throw error;
      this.issue('multipleOf', c.multipleOf[0]?.pointer ?? '', error.message);
      return null;
    }
  }

  private regexContext(hint: string) {
    return { rule: (h: string, body: string) => this.builder.addRule(h, body), anyChar: CHAR, hint };
  }

  private parse(pattern: string, keyword: string, pointer: string): RegexNode | undefined {
    try {
      return parseRegex(pattern);
    } catch (error) {
      if (!(error instanceof RegexError)) throw error;
      this.issue(keyword, pointer, error.message);
      return undefined;
    }
  }

  /** The JSON string (with quotes) satisfying the string keywords of `c`, or null. */
  private emitString(c: Constraints, excluded: string[], hint: string): string | null {
    const min = c.minLength;
    const max = c.maxLength;
    if (max !== undefined && max < min) return null;
    const regexes = [
      ...c.patterns.map((p) => ({ source: p.value, keyword: 'pattern', pointer: p.pointer })),
      ...c.formats.map((f) => ({ source: FORMAT_PATTERNS[f.value], keyword: 'format', pointer: f.pointer })),
    ];
    const quote = (content: string) => `"\\x22" ${content ? `${content} ` : ''}"\\x22"`;
    try {
      if (regexes.length === 0 && (excluded.length === 0 || (min === 0 && max === undefined))) {
        if (excluded.length > 0) return this.builder.addRule(`${hint}-string`, quote(this.stringsExcept(excluded, hint, false)));
        if (min === 0 && max === undefined) return 'string';
        return this.builder.addRule(`${hint}-string`, quote(repeat(CHAR, min, max)));
      }
      const nodes: RegexNode[] = [];
      for (const regex of regexes) {
        const node = this.parse(regex.source, regex.keyword, regex.pointer);
        if (!node) return null;
        nodes.push(node);
      }
      const key = JSON.stringify([regexes.map((r) => r.source), min, max, excluded]);
      if (!this.strings.has(key)) {
        const content = this.stringContent(nodes, { min, max }, excluded, hint, `${hint}-${regexes[0]?.keyword ?? 'string'}`);
        this.strings.set(key, content === null ? null : this.builder.addRule(`${hint}-string`, quote(content)));
      }
      return this.strings.get(key) ?? null;
    } catch (error) {
      if (error instanceof RegexError) {
        this.issue(regexes[0]?.keyword ?? 'not', regexes[0]?.pointer ?? c.not[0]?.pointer ?? '', error.message);
        return null;
      }
      if (error instanceof RepetitionLimitError) {
        this.issue(max !== undefined ? 'maxLength' : 'minLength', c.sources[0]?.pointer ?? '', error.message);
        return null;
      }
      throw error;
    }
  }

  /**
   * String content (no quotes) matching every pattern in `nodes`, `length` (code points) and none of
   * `excluded`: one pattern that already implies the length is written as it reads (`regexToGbnf`);
   * anything else is the exact intersection of their automata (`intersectionToGbnf`). Null when no
   * string qualifies.
   *
   * @throws RegexError when the intersection needs more than MAX_STRING_STATES states
   */
  private stringContent(nodes: RegexNode[], length: { min: number; max?: number }, excluded: string[], hint: string, regexHint: string): string | null {
    if (nodes.length === 1 && excluded.length === 0) {
      const lengths = regexLengths(nodes[0]);
      const implied =
        (length.min === 0 && length.max === undefined) ||
        (isAnchored(nodes[0]) && lengths.min >= length.min && (length.max === undefined || (lengths.max !== undefined && lengths.max <= length.max)));
      if (implied) return regexToGbnf(nodes[0], this.regexContext(hint), regexHint);
    }
    const language = { patterns: nodes, minLength: length.min, maxLength: length.max, excluded };
    return intersectionToGbnf(language, this.builder, this.regexContext(hint), regexHint, MAX_STRING_STATES);
  }

  /**
   * String content (no quotes) of any string except the `excluded` ones. With `rawOnly`, characters
   * are written only raw (no escapes), so that no other spelling of an excluded string slips through.
   */
  private stringsExcept(excluded: string[], hint: string, rawOnly: boolean): string {
    const charRule = rawOnly ? this.builder.addRule('key-char', '[^\\x22\\x5C\\x00-\\x1F]') : CHAR;
    interface Trie {
      end: boolean;
      children: Map<number, Trie>;
    }
    const root: Trie = { end: false, children: new Map() };
    for (const s of excluded) {
      let node = root;
      for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (!node.children.has(cp)) node.children.set(cp, { end: false, children: new Map() });
        node = node.children.get(cp)!;
      }
      node.end = true;
    }
    const context = this.regexContext(hint);
    const build = (node: Trie): string => {
      const options: string[] = [];
      if (!node.end) options.push('""');
      const keys = [...node.children.keys()].sort((a, b) => a - b);
      for (const cp of keys) {
        const encoded = rawOnly ? (cp < 0x20 || cp === 0x22 || cp === 0x5c ? undefined : gbnfLiteral(String.fromCodePoint(cp))) : jsonCharSet([[cp, cp]], context, hint);
        if (encoded) options.push(`${encoded} ${build(node.children.get(cp)!)}`);
      }
      // any other first character, then anything
      const others = keys.map((cp) => [cp, cp] as [number, number]);
      const restClass = rawOnly
        ? `[^\\x22\\x5C\\x00-\\x1F${keys.map((cp) => gbnfCharInClass(cp)).join('')}]`
        : this.charExcept(others, hint);
      options.push(`${restClass} ${charRule}*`);
      return this.builder.addRule(`${hint}-except`, options.join(' | '));
    };
    return build(root);
  }

  /** Any JSON-encoded character except the given code points. */
  private charExcept(except: Array<[number, number]>, hint: string): string {
    if (except.length === 0) return CHAR;
    const all: Array<[number, number]> = [[0, 0x10ffff]];
    const keep = all.flatMap(([a, b]) => {
      const out: Array<[number, number]> = [];
      let next = a;
      for (const [x, y] of [...except].sort((p, q) => p[0] - q[0])) {
        if (x > next) out.push([next, x - 1]);
        next = Math.max(next, y + 1);
      }
      if (next <= b) out.push([next, b]);
      return out;
    });
    // \uXXXX spellings of excluded characters are also excluded: only raw and short escapes remain for all
    return jsonCharSet(keep, this.regexContext(hint), `${hint}-other`);
  }

  /** JSON array satisfying the array keywords of `c`. */
  private emitArray(c: Constraints, hint: string): string | null {
    let maxItems = c.maxItems;
    const minItems = c.minItems;
    const prefixLength = Math.max(0, ...c.arrayParts.map((p) => p.prefixItems.length));
    const refsAt = (i: number): SchemaRef[] =>
      c.arrayParts.flatMap((p) => (i < p.prefixItems.length ? [p.prefixItems[i]] : p.items ? [p.items] : []));
    if (c.uniqueItems.length > 0 && (maxItems === undefined || maxItems > 1)) {
      return this.emitUniqueItems(c, refsAt, prefixLength, hint);
    }
    const positionRules: Array<string | null> = [];
    for (let i = 0; i <= prefixLength; i++) {
      if (maxItems !== undefined && i >= maxItems) break;
      const rule = this.ruleFor(refsAt(i), i < prefixLength ? `${hint}-${i}` : `${hint}-item`);
      positionRules.push(rule);
      if (rule === null) {
        maxItems = maxItems === undefined ? i : Math.min(maxItems, i);
        break;
      }
    }
    if (maxItems !== undefined && maxItems < minItems) return null;
    const contains = c.contains.filter((k) => k.value.min > 0 || k.value.max !== undefined);
    if (contains.length > 1) {
      const bounded = contains.find((k) => k.value.max !== undefined);
      if (bounded || contains.length > MAX_CONTAINS) {
        this.issue('contains', (bounded ?? contains[MAX_CONTAINS]).pointer, `several contains per array are enforced only without maxContains, at most ${MAX_CONTAINS}`);
        return null;
      }
      return this.emitContainsAll(contains, refsAt, prefixLength, minItems, maxItems, hint);
    }
    const item = (i: number): string | null => positionRules[Math.min(i, prefixLength)] ?? null;
    if (contains.length === 1) return this.emitContains(contains[0], refsAt, prefixLength, minItems, maxItems, hint);
    // positions 0..prefixLength-1 one by one, then the uniform tail
    const build = (i: number): string => {
      if (maxItems !== undefined && i >= maxItems) return '';
      const sep = i === 0 ? '' : '"," ';
      if (i < prefixLength) {
        const rule = item(i)!;
        const inner = `${sep}${rule}${build(i + 1) ? ` ${build(i + 1)}` : ''}`;
        return i >= minItems ? `(${inner})?` : inner;
      }
      const tail = item(i);
      if (tail === null) return '';
      const atLeast = Math.max(0, minItems - i);
      const atMost = maxItems === undefined ? undefined : maxItems - i;
      if (i === 0) {
        const rest = this.repeatItem(`"," ${tail}`, Math.max(0, atLeast - 1), atMost === undefined ? undefined : atMost - 1, hint);
        const inner = [tail, rest].filter(Boolean).join(' ');
        return atLeast === 0 ? `(${inner})?` : inner;
      }
      return this.repeatItem(`"," ${tail}`, atLeast, atMost, hint);
    };
    try {
      const body = build(0);
      return this.builder.addRule(`${hint}-array`, `"[" ${body ? `${body} ` : ''}"]"`);
    } catch (error) {
      if (!(error instanceof RepetitionLimitError)) throw error;
      this.issue('maxItems', c.sources[0]?.pointer ?? '', error.message);
      return null;
    }
  }

  /**
   * `uniqueItems` (see `uniqueItemsRule`): per JSON kind, the values every position allows are
   * tracked one by one when they are finite for every position (enum/const, booleans, null; at most
   * MAX_UNIQUE_VALUES in all); a kind unbounded somewhere is narrowed to at most one item per array
   * (items of different kinds always differ), except strings shaped by nothing but minLength/maxLength
   * when the states fit: those are narrowed to a chain by first character (`STRING_BUCKETS`), items
   * in increasing order of it. Refused when that narrowing leaves arrays of at most one item or fewer
   * than minItems, with contains, or with too many states.
   */
  private emitUniqueItems(c: Constraints, refsAt: (i: number) => SchemaRef[], prefixLength: number, hint: string): string | null {
    const refuse = (why: string) => {
      this.issue('uniqueItems', c.uniqueItems[0], `uniqueItems cannot be enforced: ${why}`);
      return null;
    };
    if (c.contains.some((k) => k.value.min > 0 || k.value.max !== undefined)) return refuse('not next to contains');
    const ofKind = new Map(UNIQUE_KINDS.map((kind) => [kind, this.tree.synthesize({ type: kind })]));
    const finite = Array.from({ length: prefixLength + 1 }, (_, i) =>
      new Map(UNIQUE_KINDS.map((kind) => [kind, this.finiteValues([...refsAt(i), ofKind.get(kind)!])])),
    );
    const unbounded = UNIQUE_KINDS.filter((kind) => finite.some((byKind) => byKind.get(kind) === undefined));
    const trackedCount = new Set(finite.flatMap((byKind) => UNIQUE_KINDS.filter((k) => !unbounded.includes(k)).flatMap((k) => byKind.get(k)!))).size;
    if (trackedCount > MAX_UNIQUE_VALUES) return refuse(`at most ${MAX_UNIQUE_VALUES} finite item values are tracked`);
    const at = (i: number) => `${hint}-${i < prefixLength ? i : 'item'}`;
    const classRules = finite.map((_, i) =>
      new Map(unbounded.flatMap((kind) => {
        const rule = this.ruleFor([...refsAt(i), ofKind.get(kind)!], `${at(i)}-${kind}`);
        return rule === null ? [] : [[kind, rule] as const];
      })),
    );
    const classKinds = new Set(classRules.flatMap((rules) => [...rules.keys()]));
    const countCap = Math.max(c.minItems, c.maxItems ?? 0);
    const chainStates = finite.length * 2 ** (trackedCount + classKinds.size - 1) * (STRING_BUCKETS.length + 1) * (countCap + 1);
    const chainable = classKinds.has('string') && chainStates <= MAX_STATES ? finite.map((_, i) => this.chainableStrings([...refsAt(i), ofKind.get('string')!])) : [];
    const chained = chainable.length > 0 && chainable.every((strings) => strings !== undefined);
    const positions: UniquePosition[] = finite.map((byKind, i) => {
      const values = new Map<string, string>();
      for (const kind of UNIQUE_KINDS) {
        if (unbounded.includes(kind)) continue;
        for (const value of byKind.get(kind)!) values.set(value, wrap(valueLiteral(JSON.parse(value))));
      }
      const classes = new Map([...classRules[i]].filter(([kind]) => !(chained && kind === 'string')));
      const chain = chained ? this.stringChain(chainable[i]!, `${at(i)}-string`) : undefined;
      return { values, classes, chain };
    });
    const tracked = new Set(positions.flatMap((p) => [...p.values.keys()]));
    const narrowedMax = tracked.size + classKinds.size + (chained ? STRING_BUCKETS.length - 1 : 0);
    const maxItems = c.maxItems ?? Infinity;
    if (classKinds.size > 0 && Math.min(narrowedMax, maxItems) <= 1) return refuse('over unbounded item values it is narrowed to one item per JSON kind, which leaves at most one item here (use maxItems ≤ 1, or enum/const items)');
    if (classKinds.size > 0 && narrowedMax < c.minItems) return refuse('over unbounded item values it is narrowed to one item per JSON kind, which leaves fewer than minItems items');
    const start = uniqueItemsRule(this.builder, positions, { minItems: c.minItems, maxItems }, hint, MAX_STATES);
    if (start === undefined) return refuse('too many states');
    return start === null ? null : this.builder.addRule(`${hint}-array`, `"[" ${start} "]"`);
  }

  /**
   * The strings `refs` allow when the chain can split them by first character cheaply: a length
   * range when no other keyword shapes them, the values when they are an enum/const; else undefined.
   */
  private chainableStrings(refs: SchemaRef[]): ChainableStrings | undefined {
    const strings = this.tree.flatten(refs);
    if (strings.never) return { values: [] };
    if (strings.enums.length > 0) return { values: this.enumValues(strings).filter((v): v is string => typeof v === 'string') };
    const plain =
      (strings.types === undefined || strings.types.has('string')) &&
      [strings.not, strings.anyOf, strings.oneOf, strings.patterns, strings.formats].every((list) => list.length === 0);
    return plain ? { min: strings.minLength, max: strings.maxLength, excluded: [] } : undefined;
  }

  /**
   * The rule for the JSON strings of each of `STRING_BUCKETS` (null where none): the enum values
   * starting in it; or its first character, then any characters within the length range (the
   * exact intersection, see `intersectionToGbnf`, where excluded values start in it).
   */
  private stringChain(strings: ChainableStrings, hint: string): Array<string | null> {
    const firstIn = (ranges: CodePointRange[] | null) => (v: string) =>
      ranges === null ? v === '' : v !== '' && ranges.some(([a, b]) => v.codePointAt(0)! >= a && v.codePointAt(0)! <= b);
    if ('values' in strings) {
      return STRING_BUCKETS.map((ranges) => {
        const values = strings.values.filter(firstIn(ranges));
        return values.length === 0 ? null : wrap(alt(values.map((v) => valueLiteral(v))));
      });
    }
    const { min, max, excluded } = strings;
    return STRING_BUCKETS.map((ranges, k) => {
      if (ranges === null) return min === 0 && !excluded.includes('') ? '"\\x22" "\\x22"' : null;
      const quote = (content: string) => this.builder.addRule(`${hint}-${k}`, `"\\x22" ${content ? `${content} ` : ''}"\\x22"`);
      const excludedHere = excluded.filter(firstIn(ranges));
      if (excludedHere.length > 0) {
        const start: RegexNode = { kind: 'seq', items: [{ kind: 'start' }, { kind: 'set', ranges }] };
        const language = { patterns: [start], minLength: min, maxLength: max, excluded: excludedHere };
        const content = intersectionToGbnf(language, this.builder, this.regexContext(hint), `${hint}-${k}`, MAX_STRING_STATES);
        return content === null ? null : quote(content);
      }
      if (max === 0 || (max !== undefined && max < min)) return null;
      const first = jsonCharSet(ranges, this.regexContext(hint), hint);
      return quote([first, repeat(CHAR, Math.max(0, min - 1), max === undefined ? undefined : max - 1)].filter(Boolean).join(' '));
    });
  }

  /** Canonical JSON of the finite values the conjunction of `refs` allows, if it is an enum/const or only booleans/null. */
  private finiteValues(refs: SchemaRef[]): string[] | undefined {
    const c = this.tree.flatten(refs);
    if (c.never) return [];
    if (c.enums.length > 0) return this.enumValues(c).map(canonicalJson);
    const types = c.types ?? new Set(JSON_TYPES);
    if (![...types].every((t) => t === 'boolean' || t === 'null') || !isUnconstrained({ ...c, types: undefined })) return undefined;
    return [...(types.has('boolean') ? ['true', 'false'] : []), ...(types.has('null') ? ['null'] : [])];
  }

  private repeatItem(sequence: string, min: number, max: number | undefined, hint: string): string {
    if (max === 0) return '';
    const large = min > MAX_GBNF_REPETITION || (max !== undefined && max > MAX_GBNF_REPETITION);
    const atom = large ? this.builder.addRule(`${hint}-next`, sequence) : `(${sequence})`;
    return repeat(atom, min, max);
  }

  /**
   * An array with at least `min` (at most `max`) items matching `contains`, as a state machine over
   * positions and matches so far. With `max`, the other items must match the exact complement of
   * the contains schema (see `complementOf`), or `maxContains` is refused.
   */
  private emitContains(
    contains: { value: { schema: SchemaRef; min: number; max?: number }; pointer: string },
    refsAt: (i: number) => SchemaRef[],
    prefixLength: number,
    minItems: number,
    maxItems: number | undefined,
    hint: string,
  ): string | null {
    const { min: need, max } = contains.value;
    const complement = max === undefined ? undefined : this.complementRef(contains.value.schema);
    if (max !== undefined && complement === undefined) {
      this.issue('maxContains', contains.pointer, 'maxContains cannot be enforced exactly (the contains schema has no exact complement)');
      return null;
    }
    if (max !== undefined && max < need) return null;
    // matches are counted up to `limit`: exactly with maxContains, else only until minContains is met
    const limit = max ?? need;
    const cap = Math.max(prefixLength, minItems, need) + 1;
    const positionCap = maxItems ?? cap;
    if ((positionCap + 1) * (limit + 1) > MAX_STATES) {
      this.issue('contains', contains.pointer, 'too many states to count contains matches');
      return null;
    }
    const plain = (i: number) =>
      complement
        ? this.ruleFor([...refsAt(i), complement], i < prefixLength ? `${hint}-${i}-other` : `${hint}-item-other`)
        : this.ruleFor(refsAt(i), i < prefixLength ? `${hint}-${i}` : `${hint}-item`);
    const matching = (i: number) => this.ruleFor([...refsAt(i), contains.value.schema], i < prefixLength ? `${hint}-${i}-contains` : `${hint}-item-contains`);
    const states = new Map<string, string | null>();
    const state = (i: number, got: number): string | null => {
      const pos = maxItems === undefined ? Math.min(i, cap) : i;
      const key = `${pos}:${got}`;
      if (states.has(key)) return states.get(key)!;
      const name = this.builder.reserve(`${hint}-contains-${pos}-${got}`);
      states.set(key, name);
      const sep = pos === 0 ? '' : '"," ';
      const options: string[] = [];
      if (pos >= minItems && got >= need) options.push('""');
      if (maxItems === undefined || pos < maxItems) {
        const nextPos = maxItems === undefined ? Math.min(pos + 1, cap) : pos + 1;
        const p = plain(pos);
        const m = matching(pos);
        if (p) {
          const next = state(nextPos, got);
          if (next) options.push(`${sep}${p} ${next}`);
        }
        if (m && got < limit) {
          const next = state(nextPos, got + 1);
          if (next) options.push(`${sep}${m} ${next}`);
        }
      }
      const defined = this.builder.defineAlternatives(name, options);
      states.set(key, defined);
      return defined;
    };
    const start = state(0, 0);
    return start === null ? null : this.builder.addRule(`${hint}-array`, `"[" ${start} "]"`);
  }

  /**
   * An array satisfying several `contains` (none with `maxContains`): each needs `minContains`
   * items matching its schema. A state machine over positions and the matches counted so far per
   * `contains` (each up to its minimum), where an item either counts for no `contains` (any item) or
   * for a non-empty set of them (an item matching all of their schemas). Exact: an item matching a
   * schema may always be counted for it, so the counts can reach the true ones.
   */
  private emitContainsAll(
    contains: Array<{ value: { schema: SchemaRef; min: number }; pointer: string }>,
    refsAt: (i: number) => SchemaRef[],
    prefixLength: number,
    minItems: number,
    maxItems: number | undefined,
    hint: string,
  ): string | null {
    const needs = contains.map((k) => k.value.min);
    const cap = Math.max(prefixLength, minItems, ...needs) + 1;
    const positionCap = maxItems ?? cap;
    if ((positionCap + 1) * needs.reduce((product, need) => product * (need + 1), 1) > MAX_STATES) {
      this.issue('contains', contains[0].pointer, 'too many states to count contains matches');
      return null;
    }
    const label = (i: number) => (i < prefixLength ? `${hint}-${i}` : `${hint}-item`);
    const subsets = Array.from({ length: (1 << contains.length) - 1 }, (_, m) => contains.map((_, j) => ((m + 1) & (1 << j)) !== 0));
    const states = new Map<string, string | null>();
    const state = (i: number, got: number[]): string | null => {
      const pos = maxItems === undefined ? Math.min(i, cap) : i;
      const key = `${pos}:${got.join(',')}`;
      if (states.has(key)) return states.get(key)!;
      const name = this.builder.reserve(`${hint}-contains-${pos}-${got.join('-')}`);
      states.set(key, name);
      const sep = pos === 0 ? '' : '"," ';
      const options: string[] = [];
      if (pos >= minItems && got.every((g, j) => g >= needs[j])) options.push('""');
      if (maxItems === undefined || pos < maxItems) {
        const nextPos = maxItems === undefined ? Math.min(pos + 1, cap) : pos + 1;
        const plain = this.ruleFor(refsAt(pos), label(pos));
        const next = plain ? state(nextPos, got) : null;
        if (plain && next) options.push(`${sep}${plain} ${next}`);
        for (const subset of subsets) {
          // only sets that advance some count still short of its minimum
          if (!subset.some((inSet, j) => inSet && got[j] < needs[j])) continue;
          const matching = this.ruleFor([...refsAt(pos), ...contains.filter((_, j) => subset[j]).map((k) => k.value.schema)], `${label(pos)}-contains`);
          const after = matching ? state(nextPos, got.map((g, j) => (subset[j] ? Math.min(g + 1, needs[j]) : g))) : null;
          if (matching && after) options.push(`${sep}${matching} ${after}`);
        }
      }
      const defined = this.builder.defineAlternatives(name, options);
      states.set(key, defined);
      return defined;
    };
    const start = state(0, needs.map(() => 0));
    return start === null ? null : this.builder.addRule(`${hint}-array`, `"[" ${start} "]"`);
  }

  /** JSON object satisfying the object keywords of `c`. */
  private emitObject(c: Constraints, hint: string): string | null {
    // dependentRequired: split into cases (key absent | key present with its dependencies required)
    const dependencies = [...c.dependentRequired.entries()].filter(([, deps]) => deps.size > 0);
    if (dependencies.length > MAX_DEPENDENT_KEYS) {
      this.issue('dependentRequired', c.sources[0]?.pointer ?? '', `at most ${MAX_DEPENDENT_KEYS} dependent keys can be enforced`);
      return null;
    }
    const cases: Array<{ required: Set<string>; forbidden: Set<string> }> = [{ required: new Set(c.required), forbidden: new Set() }];
    for (const [key, deps] of dependencies) {
      const next: typeof cases = [];
      for (const k of cases) {
        if (!k.required.has(key)) next.push({ required: k.required, forbidden: new Set([...k.forbidden, key]) });
        if (!k.forbidden.has(key)) next.push({ required: new Set([...k.required, key, ...deps]), forbidden: k.forbidden });
      }
      cases.splice(0, cases.length, ...next);
    }
    const options: string[] = [];
    cases.forEach((k, i) => {
      const body = this.emitObjectCase(c, k.required, k.forbidden, cases.length === 1 ? hint : `${hint}-case-${i}`);
      if (body !== null) options.push(body);
    });
    return options.length === 0 ? null : alt(options);
  }

  private emitObjectCase(c: Constraints, required: Set<string>, forbidden: Set<string>, hint: string): string | null {
    const parts = c.objectParts;
    const named: string[] = [];
    for (const p of parts) for (const k of p.properties.keys()) if (!named.includes(k)) named.push(k);
    for (const k of [...required, ...c.dependentRequired.keys()]) if (!named.includes(k)) named.push(k);
    const patternMatches = (pattern: string, key: string, pointer: string): boolean => {
      try {
        return new RegExp(pattern, 'u').test(key);
      } catch (error) {
        this.issue('patternProperties', pointer, `invalid regular expression '${pattern}': ${(error as Error).message}`);
        return false;
      }
    };
    const valueRefs = (key: string): SchemaRef[] =>
      parts.flatMap((p) => {
        const refs: SchemaRef[] = [];
        if (p.properties.has(key)) refs.push(p.properties.get(key)!);
        const matched = p.patternProperties.filter((pp) => patternMatches(pp.pattern, key, p.pointer));
        refs.push(...matched.map((pp) => pp.schema));
        if (!p.properties.has(key) && matched.length === 0) refs.push(p.additionalProperties);
        return refs;
      });
    const nameAllowed = (key: string) => c.propertyNames.every((ref) => this.validatorFor(ref)(key));
    // named members in declaration order: [key literal + value rule, required?]
    const members: Array<{ rule: string; required: boolean }> = [];
    for (const key of named) {
      if (forbidden.has(key)) continue;
      const isRequired = required.has(key);
      const value = nameAllowed(key) ? this.ruleFor(valueRefs(key), `${hint}-${key}`) : null;
      if (value === null) {
        if (isRequired) return null;
        continue;
      }
      members.push({ rule: this.builder.addRule(`${hint}-${key}-kv`, `${gbnfLiteral(JSON.stringify(key))} ":" ${value}`), required: isRequired });
    }
    const free = this.freeMember(c, named, hint);
    if (free === undefined) return null; // refused
    const minProps = c.minProperties?.value ?? 0;
    const maxProps = c.maxProperties;
    const requiredCount = members.filter((m) => m.required).length;
    if (maxProps !== undefined && requiredCount > maxProps) return null;
    const counting = minProps > 0 || maxProps !== undefined;
    const cap = counting ? Math.max(minProps, maxProps ?? 0, 1) : 1;
    if (free !== null && minProps - requiredCount >= 2) {
      // several additional members must be counted as distinct keys: a chain by the key's first character
      const chain = members.length <= ANY_ORDER_MEMBERS && 2 ** members.length * (cap + 1) * (STRING_BUCKETS.length + 1) <= MAX_STATES ? this.freeMemberChain(c, named, hint) : undefined;
      if (chain === undefined) {
        this.issue('minProperties', c.minProperties!.pointer, 'minProperties ≥ 2 with additional properties is enforced only with plain additionalProperties (no patternProperties or propertyNames), at most 4 named properties and few states: a grammar cannot otherwise keep their keys distinct');
        return null;
      }
      return this.anyOrderObject(members, chain, minProps, maxProps, cap, hint);
    }
    if ((members.length + 1) * (cap + 1) > MAX_STATES) {
      this.issue('maxProperties', c.sources[0]?.pointer ?? '', 'too many states to count properties');
      return null;
    }
    if (members.length <= ANY_ORDER_MEMBERS) {
      return this.anyOrderObject(members, free, minProps, maxProps, cap, hint);
    }
    // declaration order: state (i, n) = members from i on, n = members so far (capped at `cap`; n > 0: comma next)
    const states = new Map<string, string | null>();
    const state = (i: number, n: number): string | null => {
      const key = `${i}:${n}`;
      if (states.has(key)) return states.get(key)!;
      const sep = n === 0 ? '' : '"," ';
      const options: string[] = [];
      const canAdd = maxProps === undefined || n < maxProps;
      const bump = Math.min(n + 1, cap);
      if (i < members.length) {
        const m = members[i];
        if (canAdd) {
          const next = state(i + 1, bump);
          if (next !== null) options.push(`${sep}${m.rule}${next ? ` ${next}` : ''}`);
        }
        if (!m.required) {
          const skip = state(i + 1, n);
          if (skip !== null) options.push(skip);
        }
      } else {
        if (n >= minProps) options.push('');
        if (free !== null && canAdd) {
          if (maxProps === undefined && n >= Math.max(minProps, 1)) {
            // unbounded tail of additional members
            options.splice(0, options.length, repeat(`("," ${free})`, 0, undefined));
          } else {
            const next = state(i, bump);
            if (next !== null) options.push(`${sep}${free}${next ? ` ${next}` : ''}`);
          }
        }
      }
      if (options.length === 0) {
        states.set(key, null);
        return null;
      }
      const body = options.filter((o) => o !== '').length === 0 ? '' : options.map((o) => (o === '' ? '""' : o)).join(' | ');
      const name = body === '' ? '' : this.builder.addRule(`${hint}-${i}-${n}`, body);
      states.set(key, name);
      return name;
    };
    const body = state(0, 0);
    if (body === null) return null;
    return this.builder.addRule(`${hint}-object`, `"{" ${body ? `${body} ` : ''}"}"`);
  }

  /**
   * An object whose named members may come in any order, additional members anywhere between them:
   * states (set of named members written, count so far). `free` as a chain (the additional
   * members of each first-character class of `STRING_BUCKETS`, see `freeMemberChain`) takes
   * additional members in increasing class order, so their keys are distinct and counted exactly:
   * the state also holds the last class used, and the choice of the next class is a ladder of rules.
   */
  private anyOrderObject(
    members: Array<{ rule: string; required: boolean }>,
    free: string | null | Array<string | null>,
    minProps: number,
    maxProps: number | undefined,
    cap: number,
    hint: string,
  ): string | null {
    const requiredMask = members.reduce((mask, m, i) => (m.required ? mask | (1 << i) : mask), 0);
    const states = new Map<string, string | null>();
    const ladders = new Map<string, Map<number, string | null>>();
    /** An additional member of class `k` or a later one, then the state after it. */
    const ladder = (chain: Array<string | null>, mask: number, n: number, k: number): string | null => {
      const key = `${mask}:${n}`;
      if (!ladders.has(key)) ladders.set(key, new Map());
      return chainLadder(this.builder, chain, k, (sub) => state(mask, n, sub), ladders.get(key)!, `${hint}-${mask}-${n}-from`);
    };
    const state = (mask: number, n: number, last = -1): string | null => {
      const key = `${mask}:${n}:${last}`;
      if (states.has(key)) return states.get(key)!;
      const name = this.builder.reserve(`${hint}-${mask}-${n}${last < 0 ? '' : `-c${last}`}`);
      states.set(key, name);
      const sep = n === 0 ? '' : '"," ';
      const canAdd = maxProps === undefined || n < maxProps;
      const bump = Math.min(n + 1, cap);
      const options: string[] = [];
      if ((mask & requiredMask) === requiredMask && n >= minProps) options.push('""');
      if (canAdd) {
        members.forEach((m, i) => {
          if (mask & (1 << i)) return;
          const next = state(mask | (1 << i), bump, last);
          if (next !== null) options.push(`${sep}${m.rule}${next ? ` ${next}` : ''}`);
        });
        if (Array.isArray(free)) {
          const next = ladder(free, mask, bump, last + 1);
          if (next !== null) options.push(`${sep}${next}`);
        } else if (free !== null) {
          const next = state(mask, bump);
          if (next !== null) options.push(`${sep}${free}${next ? ` ${next}` : ''}`);
        }
      }
      if (this.builder.defineAlternatives(name, options) === null) {
        states.set(key, null);
        return null;
      }
      if (options.length === 1 && options[0] === '""') {
        // nothing can follow: written inline as the empty sequence (the rule stays unreferenced)
        states.set(key, '');
        return '';
      }
      return name;
    };
    const body = state(0, 0);
    return body === null ? null : this.builder.addRule(`${hint}-object`, `"{" ${body ? `${body} ` : ''}"}"`);
  }

  /**
   * The rules for one additional member (key not named, `additionalProperties` its value) per
   * first-character class of `STRING_BUCKETS` (null where none); undefined where keys are also
   * shaped by `patternProperties` or `propertyNames` (not supported here).
   */
  private freeMemberChain(c: Constraints, named: string[], hint: string): Array<string | null> | undefined {
    const parts = c.objectParts;
    if (c.propertyNames.length > 0 || parts.some((p) => p.patternProperties.length > 0)) return undefined;
    const value = parts.length === 0 ? 'value' : this.ruleFor(parts.map((p) => p.additionalProperties), `${hint}-additional`);
    const keys = this.stringChain({ min: 0, excluded: named }, `${hint}-additional-key`);
    return keys.map((key, k) => (key === null || value === null ? null : this.builder.addRule(`${hint}-additional-kv-${k}`, `${key} ":" ${value}`)));
  }

  /**
   * The rule for one member whose key is not named (additionalProperties / patternProperties /
   * propertyNames); null when there is none; undefined when refused (issue recorded).
   */
  private freeMember(c: Constraints, named: string[], hint: string): string | null | undefined {
    const parts = c.objectParts;
    const patterns = parts.flatMap((part) => part.patternProperties.map((pp) => ({ part, ...pp })));
    if (patterns.length > 0) {
      if (c.propertyNames.length > 0) {
        this.issue('propertyNames', c.propertyNames[0].pointer, 'propertyNames together with patternProperties is not supported');
        return undefined;
      }
      return this.patternMembers(patterns, parts, named, hint);
    }
    const value = parts.length === 0 ? 'value' : this.ruleFor(parts.map((p) => p.additionalProperties), `${hint}-additional`);
    if (value === null) return null;
    if (c.propertyNames.length > 0) {
      const names = this.tree.flatten(c.propertyNames);
      if (names.enums.length > 0) {
        const keys = this.enumValues(names).filter((k): k is string => typeof k === 'string' && !named.includes(k));
        if (keys.length === 0) return null;
        return this.builder.addRule(`${hint}-additional-kv`, `(${keys.map((k) => gbnfLiteral(JSON.stringify(k))).join(' | ')}) ":" ${value}`);
      }
      if (named.length > 0) {
        this.issue('propertyNames', c.propertyNames[0].pointer, 'propertyNames with both named and additional properties is only enforced as a const/enum');
        return undefined;
      }
      const key = this.ruleFor([...c.propertyNames, this.tree.synthesize({ type: 'string' })], `${hint}-name`);
      if (key === null) return null;
      return this.builder.addRule(`${hint}-additional-kv`, `${key} ":" ${value}`);
    }
    const key = named.length === 0 ? 'string' : this.builder.addRule(`${hint}-additional-key`, `"\\x22" ${this.stringsExcept(named, `${hint}-key`, true)} "\\x22"`);
    return this.builder.addRule(`${hint}-additional-kv`, `${key} ":" ${value}`);
  }

  /**
   * The members whose key is not named, under `patternProperties` (2020-12 §10.3.2.2): keys fall in
   * classes by the set of patterns they match (see `KeyAutomaton`, named keys excluded); a class's
   * value must satisfy the schemas of its patterns, or `additionalProperties` of each part whose
   * patterns it matches none of. Undefined when refused (issue recorded), null when no member fits.
   */
  private patternMembers(
    patterns: Array<{ part: ObjectPart; pattern: string; schema: SchemaRef }>,
    parts: ObjectPart[],
    named: string[],
    hint: string,
  ): string | null | undefined {
    const nodes: RegexNode[] = [];
    for (const { part, pattern } of patterns) {
      const node = this.parse(pattern, 'patternProperties', part.pointer);
      if (!node) return undefined;
      nodes.push(node);
    }
    const literal = (key: string): RegexNode => ({
      kind: 'seq',
      items: [{ kind: 'start' }, ...[...key].map((ch): RegexNode => ({ kind: 'set', ranges: [[ch.codePointAt(0)!, ch.codePointAt(0)!]] })), { kind: 'end' }],
    });
    const sink = { ...this.regexContext(hint), reserve: (n: string) => this.builder.reserve(n), define: (n: string, b: string) => this.builder.define(n, b) };
    try {
      const automaton = new KeyAutomaton([...nodes, ...named.map(literal)]);
      const members: string[] = [];
      automaton.classes().forEach((matched, k) => {
        if (matched.some((i) => i >= patterns.length)) return; // a named key
        const refs = parts.flatMap((part) => {
          const own = patterns.filter((pp, i) => pp.part === part && matched.includes(i)).map((pp) => pp.schema);
          return own.length > 0 ? own : [part.additionalProperties];
        });
        const value = this.ruleFor(refs, `${hint}-keys-${k}`);
        if (value === null) return;
        const key = automaton.keyRule(matched, sink, `${hint}-key-${k}`);
        members.push(this.builder.addRule(`${hint}-keys-${k}-kv`, `"\\x22" ${key} "\\x22" ":" ${value}`));
      });
      return members.length === 0 ? null : this.builder.addRule(`${hint}-pattern-kv`, alt(members));
    } catch (error) {
      if (!(error instanceof RegexError)) throw error;
      this.issue('patternProperties', patterns[0].part.pointer, error.message);
      return undefined;
    }
  }
}

/**
 * GBNF matching the compact JSON texts of `value` (an enum/const value): objects of up to
 * `ANY_ORDER_MEMBERS` members in any member order (JSON object equality ignores order), larger
 * ones in their own order.
 */
function valueLiteral(value: unknown): string {
  if (!hasObjectMembers(value)) return gbnfLiteral(JSON.stringify(value));
  if (Array.isArray(value)) return `"[" ${value.map((v) => wrap(valueLiteral(v))).join(' "," ')} "]"`;
  const members = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${gbnfLiteral(`${JSON.stringify(k)}:`)} ${wrap(valueLiteral(v))}`);
  const orders = members.length <= ANY_ORDER_MEMBERS ? permutations(members.length) : [members.map((_, i) => i)];
  return `"{" (${orders.map((order) => order.map((i) => members[i]).join(' "," ')).join(' | ')}) "}"`;
}

/** Whether `value` is or holds an object with members (whose order JSON equality ignores). */
function hasObjectMembers(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasObjectMembers);
  return isObject(value) && Object.keys(value).length > 0;
}

/** Every ordering of 0..n-1. */
function permutations(n: number): number[][] {
  if (n <= 1) return [Array.from({ length: n }, (_, i) => i)];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, at) => [...p.slice(0, at), n - 1, ...p.slice(at)]));
}

/** Keywords that never constrain a value beyond `enum`/`const`/`type`. */
const ENUM_ONLY_KEYWORDS = new Set([
  'enum', 'const', 'type', 'title', 'description', 'default', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly',
]);

/** Whether a schema holds nothing but enum/const/type and annotations (its enum needs no ajv check). */
function isEnumOnly(schema: SchemaRef['schema']): boolean {
  return typeof schema === 'object' && Object.keys(schema).every((k) => ENUM_ONLY_KEYWORDS.has(k));
}

/** Whether `value` is one of the values an enum-only schema allows (`enum`, `const`, `type`). */
function hasAllowedType(schema: SchemaRef['schema'], value: unknown): boolean {
  if (typeof schema !== 'object') return schema;
  const key = canonicalJson(value);
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => canonicalJson(v) === key)) return false;
  if ('const' in schema && canonicalJson(schema.const) !== key) return false;
  if (schema.type === undefined) return true;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = jsonTypeOf(value);
  return types.some((t) => t === actual || (t === 'integer' && actual === 'number' && Number.isInteger(value)));
}

function isAnchored(node: RegexNode): boolean {
  const branches = node.kind === 'alt' ? node.items : [node];
  return branches.every((b) => {
    const items = b.kind === 'seq' ? b.items : [b];
    return items[0]?.kind === 'start' && items[items.length - 1]?.kind === 'end';
  });
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' ? 'number' : typeof value;
}

function gbnfCharInClass(cp: number): string {
  const hex = cp.toString(16).toUpperCase();
  return cp <= 0xff ? `\\x${hex.padStart(2, '0')}` : cp <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

