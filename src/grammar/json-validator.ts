import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { canonicalJson } from './canonical-json';
import { toDraft2020 } from './schema-dialect';

/** A JSON Schema ajv refuses to compile; the message is ajv's. */
export class InvalidSchemaError extends Error {
  override readonly name = 'InvalidSchemaError';
}

/** Whether `value` is a multiple of `divisor`, computed on their shortest decimals (exact, not floating point). */
export function isExactMultiple(value: number, divisor: number): boolean {
  const read = (n: number) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
    if (!m) return undefined;
    return { mantissa: BigInt(`${m[1]}${m[2]}${m[3] ?? ''}`), exponent: Number(m[4] ?? 0) - (m[3] ?? '').length };
  };
  const x = read(value);
  const d = read(divisor);
  if (!x || !d || d.mantissa === 0n) return false;
  const e = Math.min(x.exponent, d.exponent);
  const X = x.mantissa * 10n ** BigInt(x.exponent - e);
  const D = d.mantissa * 10n ** BigInt(d.exponent - e);
  return X % D === 0n;
}

/**
 * ajv configured as this service validates: JSON Schema 2020-12 (`ajv/dist/2020`; draft-07 forms
 * rewritten first, see `toDraft2020`), ajv-formats in full mode, unknown keywords and formats
 * ignored as annotations (the spec's rule), and `multipleOf` decided exactly on decimals (ajv's
 * built-in divides floats, so 0.3 would not be a multiple of 0.1).
 *
 * @param withMetaSchemas whether ajv's copies of the JSON Schema meta-schemas are added (and schemas
 *   checked against them); without, a document may define those URIs itself
 */
export function createAjv(withMetaSchemas = true): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: false, logger: false, meta: withMetaSchemas, validateSchema: withMetaSchemas });
  addFormats(ajv);
  ajv.removeKeyword('multipleOf');
  ajv.addKeyword({
    keyword: 'multipleOf',
    type: 'number',
    schemaType: 'number',
    error: { message: ({ schemaCode }) => `must be multiple of ${String(schemaCode)}` },
    validate: (divisor: number, value: number) => isExactMultiple(value, divisor),
  } as Parameters<Ajv2020['addKeyword']>[0]);
  return ajv;
}

/** Result of validating one JSON text. */
export type JsonValidation = { valid: true; value: unknown } | { valid: false; errors: string };

/**
 * Compiles JSON Schemas once (cached by canonical JSON) and validates generated JSON against them.
 * Schemas are read as JSON Schema 2020-12 (ajv `ajv/dist/2020` with ajv-formats).
 */
export class JsonValidator {
  private readonly ajv = createAjv();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly maxSchemas = 512) {}

  /**
   * The compiled validator of `schema`.
   *
   * @throws InvalidSchemaError with ajv's message when the schema is invalid
   */
  compile(schema: unknown): ValidateFunction {
    const key = canonicalJson(schema);
    const hit = this.compiled.get(key);
    if (hit) {
      this.compiled.delete(key);
      this.compiled.set(key, hit);
      return hit;
    }
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(toDraft2020(schema) as object);
    } catch (error) {
      throw new InvalidSchemaError((error as Error).message);
    }
    this.compiled.set(key, validate);
    if (this.compiled.size > this.maxSchemas) this.compiled.delete(this.compiled.keys().next().value!);
    return validate;
  }

  /**
   * Validates a parsed value against `schema`.
   *
   * @returns ajv's errors as text, or undefined when the value is valid
   * @throws InvalidSchemaError when the schema itself is invalid
   */
  errorsOf(schema: unknown, value: unknown): string | undefined {
    const validate = this.compile(schema);
    return validate(value) ? undefined : this.ajv.errorsText(validate.errors);
  }

  /**
   * Parses `text` as JSON and validates it against `schema`.
   *
   * @returns `{ valid: true, value }`, or `{ valid: false, errors }` with ajv's errors (or the JSON
   *   parse error) as text
   * @throws InvalidSchemaError when the schema itself is invalid
   */
  validateText(schema: unknown, text: string): JsonValidation {
    const validate = this.compile(schema);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { valid: false, errors: `not JSON: ${(error as Error).message}` };
    }
    if (validate(value)) return { valid: true, value };
    return { valid: false, errors: this.ajv.errorsText(validate.errors) };
  }
}
