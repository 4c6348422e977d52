/**
 * Schemas × instances for the grammar acceptance suites. Instances are compact JSON texts: `valid`
 * ones satisfy the schema (and must be accepted by the grammar: completeness), `invalid` ones do
 * not (and must be rejected: soundness). The suites also check every label with ajv.
 */
export interface CorpusCase {
  name: string;
  schema: unknown;
  /** OpenAI strict mode (`additionalProperties` defaults to false). */
  strict?: boolean;
  valid: string[];
  invalid: string[];
  /**
   * Instances labelled as JSON Schema 2020-12 has them (and the official JSON Schema Test Suite)
   * that ajv v8 misjudges: `$dynamicRef` to a `$dynamicAnchor` outside a resource root or bound
   * through the dynamic scope (ajv even overflows its stack on one, and refuses a `$dynamicRef`
   * with more than a fragment), the keys and items a lone `if` or a `contains` evaluates, `anyOf`
   * branches' items, `uniqueItems` next to `prefixItems` and a typed `items` (ajv compares only by
   * the `items` type). The label check skips them; the grammar is still judged on them.
   */
  ajvMisjudges?: string[];
  /**
   * Valid instances the grammar rejects on purpose: where a keyword cannot be enforced exactly and
   * the converter narrows the accepted values instead of refusing (`uniqueItems` over unbounded
   * values: one item per JSON kind). The label check still holds them valid.
   */
  narrowedOut?: string[];
  /**
   * Documents the schema references outside itself, by absolute URI: given to the converter as
   * `remoteDocuments` (the grammar CLI fetches them) and to ajv with `addSchema`.
   */
  remote?: Record<string, unknown>;
}

const big = Array.from({ length: 300 }, (_, i) => `v${i}`);
const tree = {
  $defs: {
    node: {
      type: 'object',
      properties: { value: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/$defs/node' }, maxItems: 3 } },
      required: ['value'],
      additionalProperties: false,
    },
  },
  $ref: '#/$defs/node',
};
/**
 * Two resources per `$dynamicAnchor` name, chained so that every choice of them is a dynamic scope
 * (2ⁿ) at the end, where `$dynamicRef`s read every name.
 */
const wideScopes = (n: number) => {
  const last = { type: 'array', prefixItems: Array.from({ length: n }, (_, i) => ({ $dynamicRef: `x${i}#a${i}` })) };
  const next = (i: number) => (i + 1 < n ? { anyOf: [{ $ref: `x${i + 1}` }, { $ref: `y${i + 1}` }] } : last);
  const defs = Array.from({ length: n }, (_, i) => ['x', 'y'].map((side) => [`${side}${i}`, { $id: `${side}${i}`, $dynamicAnchor: `a${i}`, ...next(i) }]));
  return { $id: 'https://example.com/scopes/root', anyOf: [{ $ref: 'x0' }, { $ref: 'y0' }], $defs: Object.fromEntries(defs.flat()) };
};
const deep = { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/c' }, c: { $ref: '#/$defs/d' }, d: { type: 'string', maxLength: 3 } }, $ref: '#/$defs/a' };

export const CORPUS: CorpusCase[] = [
  { name: 'true', schema: true, valid: ['null', '1', '"x"', '[1,{"a":[]}]', '{"a":{"b":null}}'], invalid: [] },
  { name: 'empty object', schema: {}, valid: ['true', '-0.5', '{"":""}'], invalid: [] },
  { name: 'type null', schema: { type: 'null' }, valid: ['null'], invalid: ['0', '"null"', 'false'] },
  { name: 'type boolean', schema: { type: 'boolean' }, valid: ['true', 'false'], invalid: ['null', '0', '"true"'] },
  { name: 'type array of types', schema: { type: ['string', 'null'] }, valid: ['"a"', 'null'], invalid: ['1', '[]', '{}'] },
  { name: 'type integer', schema: { type: 'integer' }, valid: ['0', '-7', '123456789012345'], invalid: ['1.5', '"1"', 'null'] },
  { name: 'type number', schema: { type: 'number' }, valid: ['0', '-0.25', '3.141592', '100'], invalid: ['"1"', 'true', '[]'] },
  { name: 'type string', schema: { type: 'string' }, valid: ['""', '"hi"', '"\\"quoted\\" \\\\ \\n \\t"', '"\\u00e9\\u4e2d"', '"é中🎉"'], invalid: ['1', 'null', '["a"]'] },
  { name: 'type object', schema: { type: 'object' }, valid: ['{}', '{"a":1}', '{"a":{"b":[1,2]},"c":"d"}'], invalid: ['[]', '"{}"', 'null'] },
  { name: 'type array', schema: { type: 'array' }, valid: ['[]', '[1,"a",null]', '[[[]]]'], invalid: ['{}', '"[]"'] },
  // enum / const
  { name: 'enum mixed', schema: { enum: ['red', 1, null, { a: [1] }, [true]] }, valid: ['"red"', '1', 'null', '{"a":[1]}', '[true]'], invalid: ['"blue"', '2', '{"a":[2]}', '[false]', 'true'] },
  { name: 'const string with escapes', schema: { const: 'say "hi"\\\n\t' }, valid: ['"say \\"hi\\"\\\\\\n\\t"'], invalid: ['"say hi"', '"say \\"hi\\""'] },
  { name: 'const unicode', schema: { const: 'naïve 中文 🎉' }, valid: ['"naïve 中文 🎉"'], invalid: ['"naive 中文 🎉"'] },
  { name: 'enum filtered by type', schema: { type: 'string', enum: ['a', 1, 'b'] }, valid: ['"a"', '"b"'], invalid: ['1', '"c"'] },
  { name: 'enum filtered by minLength', schema: { enum: ['a', 'abc', 5], minLength: 2 }, valid: ['"abc"', '5'], invalid: ['"a"'] },
  { name: 'large enum', schema: { enum: big }, valid: ['"v0"', '"v299"', '"v150"'], invalid: ['"v300"', '"v"', '"v2999"'] },
  // numbers
  { name: 'integer range', schema: { type: 'integer', minimum: -20, maximum: 150 }, valid: ['-20', '0', '7', '99', '150'], invalid: ['-21', '151', '1000', '1.5'] },
  { name: 'integer exclusive range', schema: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 }, valid: ['1', '9'], invalid: ['0', '10', '-1'] },
  { name: 'number exclusiveMaximum 3.0', schema: { type: 'number', exclusiveMaximum: 3.0 }, valid: ['2.2', '2.999999', '-5', '0'], invalid: ['3', '3.0', '3.5', '4'] },
  { name: 'number decimal bounds', schema: { type: 'number', minimum: 1.1, maximum: 2.25 }, valid: ['1.1', '1.10', '2', '2.25', '1.999'], invalid: ['1.09', '2.26', '1', '3'] },
  { name: 'number negative range', schema: { type: 'number', minimum: -1.5, exclusiveMaximum: -0.5 }, valid: ['-1.5', '-1', '-0.51'], invalid: ['-0.5', '-1.6', '0', '-0.4'] },
  { name: 'bounds without type', schema: { minimum: 5 }, valid: ['5', '6.5', '"x"', 'null', '{}'], invalid: ['4', '4.99'] },
  { name: 'multipleOf integer', schema: { type: 'integer', multipleOf: 7, minimum: 0, maximum: 100 }, valid: ['0', '7', '98'], invalid: ['8', '105', '-7'] },
  { name: 'multipleOf 0.01', schema: { type: 'number', multipleOf: 0.01 }, valid: ['0.01', '19.99', '-3.5', '42'], invalid: ['0.001', '1.005'] },
  { name: 'multipleOf 0.25 without type', schema: { multipleOf: 0.25, maximum: 1 }, valid: ['0.25', '0.5', '-0.75', '1', '"s"'], invalid: ['0.3', '1.25'] },
  { name: 'multipleOf 3 unbounded', schema: { type: 'integer', multipleOf: 3 }, valid: ['0', '3', '-9', '123456'], invalid: ['1', '100', '-10'] },
  // strings
  { name: 'minLength/maxLength', schema: { type: 'string', minLength: 2, maxLength: 4 }, valid: ['"ab"', '"abcd"', '"中文"', '"\\n\\t"', '"🎉🎉🎉"'], invalid: ['"a"', '"abcde"', '""', '"🎉"'] },
  { name: 'maxLength without type', schema: { maxLength: 2 }, valid: ['"ab"', '123', 'null', '[1,2,3]'], invalid: ['"abc"'] },
  { name: 'pattern anchored', schema: { type: 'string', pattern: '^[A-Z]{3}-\\d{2,4}$' }, valid: ['"ABC-12"', '"XYZ-1234"'], invalid: ['"AB-12"', '"ABC-1"', '"abc-12"', '"ABC-12345"'] },
  { name: 'pattern unanchored', schema: { type: 'string', pattern: 'ab+c' }, valid: ['"abc"', '"xxabbbcyy"', '"ab\\nabc"'], invalid: ['"ac"', '"abx"', '""'] },
  { name: 'pattern alternation and groups', schema: { type: 'string', pattern: '^(cat|dog)s?$|^(?:bird){2}$' }, valid: ['"cat"', '"dogs"', '"birdbird"'], invalid: ['"cats2"', '"bird"', '"cow"'] },
  { name: 'pattern classes', schema: { type: 'string', pattern: '^[^"\\\\]\\s\\w\\.$' }, valid: ['"x a."', '"-\\t_."'], invalid: ['"\\" a."', '"xxa."', '"x a!"'] },
  { name: 'pattern unicode', schema: { type: 'string', pattern: '^[é-ë]+😀$' }, valid: ['"éê😀"', '"ë😀"'], invalid: ['"e😀"', '"é"'] },
  { name: 'pattern with implied lengths', schema: { type: 'string', pattern: '^[a-z]{2,3}$', minLength: 1, maxLength: 5 }, valid: ['"ab"', '"abc"'], invalid: ['"a"', '"abcd"'] },
  // several string keywords at once: the exact intersection of their automata
  { name: 'pattern with maxLength', schema: { type: 'string', pattern: '^a+$', maxLength: 3 }, valid: ['"a"', '"aaa"'], invalid: ['"aaaa"', '""', '"b"'] },
  { name: 'unanchored pattern with minLength', schema: { type: 'string', pattern: 'x', minLength: 3 }, valid: ['"abx"', '"x\\n\\t"'], invalid: ['"ax"', '"abc"'] },
  { name: 'two patterns', schema: { type: 'string', allOf: [{ pattern: 'a' }, { pattern: 'b$' }] }, valid: ['"ab"', '"xaxb"'], invalid: ['"ba"', '"b"'] },
  { name: 'pattern and format', schema: { type: 'string', format: 'uri-reference', pattern: '^[^#]*#?$' }, valid: ['"a/b"', '"http://x.org/y#"'], invalid: ['"#foo"', '"http://a/b#c"'] },
  { name: 'format and pattern on date-time', schema: { type: 'string', format: 'date-time', pattern: 'Z$' }, valid: ['"2024-01-02T03:04:05Z"'], invalid: ['"2024-01-02T03:04:05+01:00"', '"Z"'] },
  {
    name: 'not of string values with maxLength',
    schema: { type: 'string', maxLength: 3, not: { enum: ['ab', 'b"c'] } },
    valid: ['"abc"', '"a"', '""', '"b\\/"'],
    invalid: ['"ab"', '"b\\"c"', '"b\\u0022c"', '"abcd"'],
  },
  { name: 'propertyNames with maxLength and not', schema: { type: 'object', propertyNames: { maxLength: 3, not: { const: 'bad' } } }, valid: ['{"ba":1}', '{}'], invalid: ['{"bad":1}', '{"b\\u0061d":1}', '{"abcd":1}'] },
  { name: 'format date', schema: { type: 'string', format: 'date' }, valid: ['"2024-02-29"', '"2023-12-31"', '"2000-02-29"'], invalid: ['"2023-02-29"', '"1900-02-29"', '"2024-13-01"', '"2024-04-31"', '"24-01-01"'] },
  { name: 'format time', schema: { type: 'string', format: 'time' }, valid: ['"12:34:56Z"', '"23:59:59.123+02:00"', '"00:00:00z"'], invalid: ['"24:00:00Z"', '"12:34:56"', '"12:60:00Z"'] },
  { name: 'format date-time', schema: { type: 'string', format: 'date-time' }, valid: ['"2024-01-15T10:20:30Z"', '"2024-01-15t10:20:30.5-05:30"'], invalid: ['"2024-01-15X10:20:30Z"', '"2024-01-15T10:20Z"'] },
  { name: 'format uuid', schema: { type: 'string', format: 'uuid' }, valid: ['"123e4567-e89b-12d3-a456-426614174000"', '"ABCDEF01-2345-6789-ABCD-EF0123456789"'], invalid: ['"123e4567e89b12d3a456426614174000"', '"123e4567-e89b-12d3-a456-42661417400g"'] },
  { name: 'format email', schema: { type: 'string', format: 'email' }, valid: ['"joe.bloggs@example.com"', '"a+b@x.io"'], invalid: ['"joe..bloggs@example.com"', '"joe@"', '"@example.com"', '".joe@example.com"'] },
  { name: 'format ipv4', schema: { type: 'string', format: 'ipv4' }, valid: ['"192.168.0.1"', '"0.0.0.0"', '"255.255.255.255"'], invalid: ['"256.1.1.1"', '"01.2.3.4"', '"1.2.3"'] },
  { name: 'format ipv6', schema: { type: 'string', format: 'ipv6' }, valid: ['"::1"', '"2001:db8::8a2e:370:7334"', '"::ffff:192.168.1.1"', '"1:2:3:4:5:6:7:8"'], invalid: ['"1:2:3:4:5:6:7:8:9"', '"::1::"', '"12345::"', '"::ffff:1.2.3.256"'] },
  { name: 'format uri', schema: { type: 'string', format: 'uri' }, valid: ['"https://example.com/a/b?c=d#e"', '"ftp://user@host:21/"'], invalid: ['"//example.com"', '"not a uri"', '"/relative"'] },
  { name: 'format hostname', schema: { type: 'string', format: 'hostname' }, valid: ['"example.com"', '"a-b.c"'], invalid: ['"-a.com"', '"a..b"'] },
  { name: 'unknown format is an annotation', schema: { type: 'string', format: 'x-custom' }, valid: ['"anything"'], invalid: ['1'] },
  // arrays
  { name: 'items with min/max', schema: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 3 }, valid: ['[1]', '[1,2,3]'], invalid: ['[]', '[1,2,3,4]', '["a"]'] },
  { name: 'prefixItems then items false', schema: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false }, valid: ['[]', '["a"]', '["a",1]'], invalid: ['[1]', '["a",1,2]', '["a","b"]'] },
  { name: 'prefixItems with tail schema', schema: { prefixItems: [{ const: 'x' }], items: { type: 'boolean' }, minItems: 2 }, valid: ['["x",true]', '["x",false,true]', '{}'], invalid: ['["x"]', '["y",true]', '["x",1]'] },
  { name: 'draft-07 items array', schema: { $schema: 'http://json-schema.org/draft-07/schema#', items: [{ type: 'integer' }], additionalItems: false }, valid: ['[]', '[1]'], invalid: ['[1,2]', '["a"]'] },
  { name: 'contains', schema: { type: 'array', contains: { const: 5 }, maxItems: 4 }, valid: ['[5]', '[1,5,2]', '[5,5,5,5]'], invalid: ['[]', '[1,2]', '[1,2,3,4,5]'] },
  { name: 'minContains', schema: { type: 'array', items: { type: 'integer' }, contains: { minimum: 10 }, minContains: 2 }, valid: ['[10,11]', '[1,20,3,30]'], invalid: ['[10]', '[1,2,3]', '[10,"x",11]'] },
  { name: 'uniqueItems with maxItems 1', schema: { type: 'array', uniqueItems: true, maxItems: 1 }, valid: ['[]', '[1]'], invalid: ['[1,1]'] },
  // objects
  { name: 'properties required', schema: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'], additionalProperties: false }, valid: ['{"a":"x"}', '{"a":"x","b":1}'], invalid: ['{}', '{"b":1}', '{"a":1}', '{"a":"x","c":1}'] },
  { name: 'additionalProperties default true', schema: { type: 'object', properties: { a: { type: 'string' } } }, valid: ['{}', '{"a":"x","z":1}', '{"zz":[1]}', '{"ab":2}'], invalid: ['{"a":1}'] },
  { name: 'additionalProperties default false (strict)', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } } }, valid: ['{}', '{"a":"x"}'], invalid: ['{"a":1}'] },
  { name: 'additionalProperties schema', schema: { properties: { a: { type: 'string' } }, additionalProperties: { type: 'integer' } }, valid: ['{"a":"x","b":1}', '{"c":2}'], invalid: ['{"b":"x"}', '{"a":1}'] },
  { name: 'required without properties', schema: { required: ['id'] }, valid: ['{"id":1}', '{"id":null,"x":2}', '"not an object"'], invalid: ['{}', '{"x":1}'] },
  { name: 'patternProperties with additionalProperties false', schema: { patternProperties: { '^x-[a-z]+$': { type: 'string' } }, additionalProperties: false }, valid: ['{}', '{"x-a":"1","x-bc":"2"}'], invalid: ['{"y":"1"}', '{"x-a":1}', '{"x-":"1"}'] },
  { name: 'propertyNames enum', schema: { type: 'object', propertyNames: { enum: ['a', 'b'] } }, valid: ['{}', '{"a":1}', '{"a":1,"b":2}'], invalid: ['{"c":1}'] },
  { name: 'propertyNames pattern', schema: { type: 'object', propertyNames: { pattern: '^[a-z]{1,3}$', maxLength: 3 }, additionalProperties: { type: 'integer' } }, valid: ['{"ab":1}'], invalid: ['{"AB":1}', '{"abcd":1}', '{"a":"x"}'] },
  { name: 'propertyNames with not', schema: { type: 'object', propertyNames: { not: { const: 'bad' } } }, valid: ['{}', '{"ok":1}', '{"bat":2}', '{"badx":1}'], invalid: ['{"bad":1}', '{"ok":1,"bad":2}'] },
  { name: 'enum with a not of a range', schema: { enum: [1, 2, 3, 'x'], not: { minimum: 2 } }, valid: ['1'], invalid: ['2', '3', '"x"'] },
  { name: 'minProperties/maxProperties', schema: { type: 'object', properties: { a: {}, b: {}, c: {} }, additionalProperties: false, minProperties: 1, maxProperties: 2 }, valid: ['{"a":1}', '{"b":1,"c":2}'], invalid: ['{}', '{"a":1,"b":2,"c":3}'] },
  { name: 'maxProperties with additional', schema: { type: 'object', maxProperties: 1 }, valid: ['{}', '{"k":1}'], invalid: ['{"k":1,"j":2}'] },
  { name: 'dependentRequired', schema: { type: 'object', properties: { card: { type: 'string' }, billing: { type: 'string' } }, dependentRequired: { card: ['billing'] }, additionalProperties: false }, valid: ['{}', '{"billing":"x"}', '{"card":"1","billing":"x"}'], invalid: ['{"card":"1"}'] },
  { name: 'property names with escapes', schema: { type: 'object', properties: { 'a"b': { type: 'integer' }, 'ü\\n': { const: true } }, required: ['a"b'], additionalProperties: false }, valid: ['{"a\\"b":1}', '{"a\\"b":1,"ü\\\\n":true}'], invalid: ['{"a\\"b":"x"}', '{}'] },
  // combinators
  { name: 'anyOf keeps types', schema: { anyOf: [{ type: 'string', maxLength: 2 }, { type: 'integer', minimum: 10 }] }, valid: ['"ab"', '10'], invalid: ['"abc"', '9', 'null'] },
  { name: 'anyOf with sibling properties', schema: { type: 'object', properties: { kind: { enum: ['a', 'b'] } }, required: ['kind'], anyOf: [{ required: ['x'] }, { required: ['y'] }] }, valid: ['{"kind":"a","x":1}', '{"kind":"b","y":2}'], invalid: ['{"kind":"a"}', '{"x":1}'] },
  { name: 'oneOf disjoint by type', schema: { oneOf: [{ type: 'string' }, { type: 'number', minimum: 0 }] }, valid: ['"s"', '3'], invalid: ['-1', 'null'] },
  { name: 'oneOf discriminated', schema: { oneOf: [{ type: 'object', properties: { t: { const: 'circle' }, r: { type: 'number' } }, required: ['t', 'r'], additionalProperties: false }, { type: 'object', properties: { t: { const: 'square' }, s: { type: 'number' } }, required: ['t', 's'], additionalProperties: false }] }, valid: ['{"t":"circle","r":1.5}', '{"t":"square","s":2}'], invalid: ['{"t":"circle","s":2}', '{"t":"tri"}'] },
  { name: 'oneOf of consts', schema: { oneOf: [{ const: 1 }, { const: 2 }] }, valid: ['1', '2'], invalid: ['3'] },
  { name: 'allOf merged with properties', schema: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'], allOf: [{ properties: { b: { type: 'string' } }, required: ['b'] }] }, valid: ['{"a":1,"b":"x"}'], invalid: ['{"a":1}', '{"b":"x"}', '{"a":1,"b":2}'] },
  { name: 'allOf additionalProperties false per branch', schema: { allOf: [{ properties: { a: {} }, additionalProperties: false }, { properties: { b: {} } }] }, valid: ['{}', '{"a":1}'], invalid: ['{"b":1}'] },
  { name: 'allOf numeric intersection', schema: { allOf: [{ minimum: 2 }, { maximum: 4 }, { type: 'integer' }] }, valid: ['2', '3', '4'], invalid: ['1', '5'] },
  { name: 'not const string', schema: { type: 'string', not: { const: 'forbidden' } }, valid: ['"ok"', '"forbid"', '"forbiddenx"', '""'], invalid: ['"forbidden"'] },
  { name: 'not enum', schema: { not: { enum: [null, true, 'x'] } }, valid: ['false', '"y"', '1', '[]'], invalid: ['null', 'true', '"x"'] },
  { name: 'not of a range (complement)', schema: { type: 'number', not: { minimum: 3 } }, valid: ['2.5', '-1', '2.999999'], invalid: ['3', '4', '3.5'] },
  { name: 'not of an object schema (complement)', schema: { not: { type: 'object', properties: { foo: { type: 'string' } }, required: ['foo'] } }, valid: ['{}', '{"foo":1}', '"x"', '[]'], invalid: ['{"foo":"a"}', '{"foo":"a","b":1}'] },
  { name: 'not of items and length (complement)', schema: { type: 'array', not: { items: { type: 'integer' }, minItems: 2 } }, valid: ['[]', '[1]', '["a","b"]', '[1,"x",3]'], invalid: ['[1,2]', '[1,2,3]'] },
  { name: 'overlapping oneOf (exact through complements)', schema: { oneOf: [{ type: 'integer' }, { minimum: 2 }] }, valid: ['1', '-5', '2.5', '"x"', 'null'], invalid: ['2', '3', '1.5'] },
  { name: 'oneOf of objects by required keys', schema: { type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] }, valid: ['{"a":1}', '{"b":2}', '{"a":1,"c":3}'], invalid: ['{"a":1,"b":2}', '{}'] },
  { name: 'not oneOf (none or two pass)', schema: { type: 'object', not: { oneOf: [{ required: ['a'] }, { required: ['b'] }, { required: ['c'] }] } }, valid: ['{}', '{"a":1,"b":2}', '{"b":1,"c":2}', '{"a":1,"b":2,"c":3}', '{"d":1}'], invalid: ['{"a":1}', '{"b":1,"d":2}', '{"c":1}'] },
  { name: 'if with annotation-only keywords (exact complement)', schema: { if: { required: ['k'], patternProperties: { '^x': true }, additionalProperties: true, uniqueItems: false }, then: { required: ['t'] }, else: { required: ['e'] } }, valid: ['{"k":1,"t":2}', '{"e":1}', '1'], invalid: ['{"k":1,"e":2}', '{"t":1}'] },
  { name: 'not of unevaluatedProperties false over static keys', schema: { not: { anyOf: [true, { properties: { foo: true } }], unevaluatedProperties: false } }, valid: ['{"bar":1}', '{"foo":1,"bar":2}'], invalid: ['{"foo":1}', '{}', '1', '"x"'] },
  { name: 'if with unevaluatedProperties false (exact complement)', schema: { if: { properties: { a: { const: 1 } }, unevaluatedProperties: false }, then: { required: ['a'] }, else: { required: ['z'] } }, valid: ['{"a":1}', '{"a":2,"z":1}', '{"b":1,"z":0}', '1'], invalid: ['{}', '{"a":2}', '{"b":1}', '{"a":1,"b":2}'] },
  { name: 'not integer', schema: { type: 'number', not: { type: 'integer' } }, valid: ['1.5', '-0.25'], invalid: ['1', '0', '-3', '2.0'] },
  { name: 'not type', schema: { not: { type: ['string', 'object'] } }, valid: ['1', 'null', '[]'], invalid: ['"a"', '{}'] },
  // $ref
  { name: 'recursive $ref tree', schema: tree, valid: ['{"value":1}', '{"value":1,"children":[{"value":2,"children":[]},{"value":3}]}'], invalid: ['{"value":1,"children":[{}]}', '{"value":1,"children":[{"value":"x"}]}', '{"children":[]}'] },
  { name: 'deep $ref chain', schema: deep, valid: ['"abc"', '""'], invalid: ['"abcd"', '1'] },
  { name: 'draft-07 definitions', schema: { definitions: { pos: { type: 'integer', minimum: 1 } }, type: 'array', items: { $ref: '#/definitions/pos' } }, valid: ['[]', '[1,2]'], invalid: ['[0]', '["1"]'] },
  { name: '$ref with siblings', schema: { $defs: { s: { type: 'string' } }, $ref: '#/$defs/s', maxLength: 2 }, valid: ['"ab"'], invalid: ['"abc"', '1'] },
  { name: '$anchor', schema: { $defs: { x: { $anchor: 'flag', type: 'boolean' } }, properties: { f: { $ref: '#flag' } }, required: ['f'] }, valid: ['{"f":true}'], invalid: ['{"f":1}'] },
  // nested $id: references resolve against the nearest base URI
  {
    name: 'nested $id with relative refs',
    schema: {
      $id: 'http://example.com/outer.json',
      $defs: { s: { type: 'integer' } },
      properties: {
        foo: { $id: 'inner/inner.json', $defs: { s: { type: 'string' } }, properties: { bar: { $ref: '#/$defs/s' } } },
        baz: { $ref: '#/$defs/s' },
        qux: { $ref: 'inner/inner.json#/$defs/s' },
      },
    },
    valid: ['{"foo":{"bar":"a"},"baz":1,"qux":"x"}', '{}'],
    invalid: ['{"foo":{"bar":1}}', '{"baz":"a"}', '{"qux":1}'],
  },
  {
    name: '$anchor under another $id',
    schema: {
      $id: 'https://example.com/base.json',
      $ref: '#big',
      $defs: { big: { $anchor: 'big', maximum: 10 }, small: { $id: 'https://example.com/other/', $anchor: 'big', maximum: 2 } },
    },
    valid: ['5', '10'],
    invalid: ['50'],
  },
  {
    name: 'URN base URI with an anchor ref',
    schema: { $id: 'urn:uuid:deadbeef-1234-ff00-00ff-4321feebdaed', properties: { foo: { $ref: 'urn:uuid:deadbeef-1234-ff00-00ff-4321feebdaed#s' } }, $defs: { bar: { $anchor: 's', type: 'string' } } },
    valid: ['{"foo":"bar"}'],
    invalid: ['{"foo":12}'],
  },
  // if/then/else as (if ∧ then) ∨ (¬if ∧ else)
  { name: 'if/then/else on numbers', schema: { if: { exclusiveMaximum: 0 }, then: { minimum: -10 }, else: { multipleOf: 2 } }, valid: ['-1', '4', '0', '"x"'], invalid: ['-100', '3', '-10.5'] },
  { name: 'if/then without else', schema: { if: { type: 'string' }, then: { maxLength: 2 } }, valid: ['"ab"', '123', 'null'], invalid: ['"abc"'] },
  {
    name: 'if/then/else on a discriminating property',
    schema: { type: 'object', if: { properties: { kind: { const: 'a' } }, required: ['kind'] }, then: { required: ['a'] }, else: { required: ['b'] } },
    valid: ['{"kind":"a","a":1}', '{"a":1,"kind":"a"}', '{"kind":"b","b":1}', '{"b":2}'],
    invalid: ['{"kind":"a","b":1}', '{"kind":"b","a":1}', '{}'],
  },
  { name: 'if/then/else strict', strict: true, schema: { type: 'object', properties: { k: { type: 'string' }, n: { type: 'integer' } }, if: { required: ['k'] }, then: { required: ['n'] } }, valid: ['{"k":"x","n":1}', '{}', '{"n":2}'], invalid: ['{"k":"x"}', '{"k":1,"n":1}'] },
  // dependentSchemas as a case split: key absent, or present with the dependent schema
  {
    name: 'dependentSchemas',
    schema: { dependentSchemas: { bar: { properties: { foo: { type: 'integer' }, bar: { type: 'integer' } } } } },
    valid: ['{"foo":1,"bar":2}', '{"foo":"quux"}', '["bar"]', '12', '{}'],
    invalid: ['{"foo":"quux","bar":2}', '{"foo":2,"bar":"quux"}', '{"bar":"x"}'],
  },
  { name: 'dependentSchemas with boolean schemas', schema: { dependentSchemas: { foo: true, bar: false } }, valid: ['{"foo":1}', '{}', '{"baz":[]}'], invalid: ['{"bar":2}', '{"foo":1,"bar":2}'] },
  {
    name: 'dependentSchemas incompatible with the root',
    schema: { properties: { foo: {} }, dependentSchemas: { foo: { properties: { bar: {} }, additionalProperties: false } } },
    valid: ['{"bar":1}', '{"baz":1}'],
    invalid: ['{"foo":1}', '{"foo":1,"bar":2}'],
  },
  // maxContains: the other items match the complement of the contains schema
  { name: 'minContains and maxContains', schema: { contains: { const: 1 }, minContains: 1, maxContains: 2 }, valid: ['[1]', '[2,1,3,1]', '"x"', '[1,0.5]'], invalid: ['[]', '[1,1,1]', '[2]', '[1,2,1,1]'] },
  // several contains: per item, the set of them it is counted for
  {
    name: 'several contains',
    schema: { type: 'array', allOf: [{ contains: { multipleOf: 2 } }, { contains: { multipleOf: 3 }, minContains: 2 }] },
    valid: ['[2,3,9]', '[6,3]', '[3,4,5,6]', '[6,6]'],
    invalid: ['[]', '[6]', '[2,3]', '[3,9]', '[2,4,3]'],
  },
  {
    name: 'several contains with unevaluatedItems',
    schema: { allOf: [{ contains: { multipleOf: 2 } }, { contains: { multipleOf: 3 } }], unevaluatedItems: { multipleOf: 5 } },
    valid: ['[2,3,4,5,6]', '[6]', '"x"'],
    invalid: ['[2,3,4,7,8]', '[2,5]', '[]'],
    ajvMisjudges: ['[2,3,4,7,8]'],
  },
  { name: 'maxContains alone', schema: { type: 'array', contains: { type: 'string' }, minContains: 0, maxContains: 1 }, valid: ['[]', '[1,"a",2]', '[null]'], invalid: ['["a","b"]', '[1,"a","b"]'] },
  // not of numbers: the range split at each excluded value
  { name: 'not of number values', schema: { type: 'number', minimum: 0, maximum: 3, not: { enum: [1, 2.5] } }, valid: ['0', '2', '2.6', '3', '1.5', '0.999'], invalid: ['1', '2.5', '-1', '3.5'] },
  { name: 'not of an integer const', schema: { type: 'integer', not: { const: 0 } }, valid: ['1', '-1', '100'], invalid: ['0', '-0', '0.5'] },
  // uniqueItems over finite item values: states are the sets of values used
  { name: 'uniqueItems of enum values', schema: { type: 'array', items: { enum: ['read', 'write', 'admin', { a: 1, b: 2 }] }, uniqueItems: true, minItems: 1 }, valid: ['["read"]', '["admin","read","write"]', '["write",{"b":2,"a":1}]'], invalid: ['[]', '["read","read"]', '["read","write","read"]', '["x"]', '[{"a":1,"b":2},{"b":2,"a":1}]'] },
  { name: 'uniqueItems of boolean prefixItems', schema: { prefixItems: [{ type: 'boolean' }, { type: 'boolean' }], items: false, uniqueItems: true }, valid: ['[]', '[false,true]', '[true,false]', '[true]'], invalid: ['[false,false]', '[true,true]', '[false,true,null]'] },
  { name: 'uniqueItems of booleans and null', schema: { type: 'array', items: { type: ['boolean', 'null'] }, uniqueItems: true, maxItems: 2 }, valid: ['[null,true]', '[false]'], invalid: ['[null,null]', '[true,false,null]', '[1]'] },
  // uniqueItems over unbounded values: narrowed to one item per JSON kind (finite kinds still tracked value by value)
  {
    name: 'uniqueItems of any items (one per kind)',
    schema: { uniqueItems: true },
    valid: ['[]', '[0,false]', '[1,true]', '[{},[1],true,null,1,"{}"]', '[true,false,null,"x",[],{}]', '"x"'],
    invalid: ['[1,1]', '["a","a"]', '[{},{}]', '[true,true]', '[null,null]', '[1,"a",1]', '[{"a":1,"b":2},{"b":2,"a":1}]'],
    narrowedOut: ['[1,2]', '["a","b"]', '[[],[1]]', '[{"a":1},{"b":2,"a":1}]'],
  },
  {
    name: 'uniqueItems after boolean prefixItems (one per kind)',
    schema: { prefixItems: [{ type: 'boolean' }, { type: 'boolean' }], uniqueItems: true },
    valid: ['[false,true]', '[true,false]', '[true,false,"foo",1]', '[true]'],
    invalid: ['[false,false]', '[true,true]', '[false,true,"foo","foo"]', '[false,true,true]'],
    narrowedOut: ['[true,false,"a","b"]'],
  },
  {
    name: 'uniqueItems of enum values and strings',
    schema: { type: 'array', prefixItems: [{ enum: [1, 'a'] }, { enum: [1, 'a'] }], items: { type: 'string' }, uniqueItems: true },
    valid: ['[1,"a"]', '["a",1]', '[1]', '[]', '["a",1,"b"]', '[1,"a","b"]'],
    invalid: ['[1,1]', '["a","a"]', '[2]', '["b"]', '[1,"a",1]'],
    narrowedOut: ['["a",1,"c","b"]', '["a",1,"ab"]'],
    ajvMisjudges: ['[1,1]'],
  },
  // references to the 2020-12 meta-schema (embedded from ajv's copy), and values checked by ajv under an absolute root $id
  {
    name: '$ref to the 2020-12 meta-schema',
    schema: { $ref: 'https://json-schema.org/draft/2020-12/schema' },
    valid: ['{"minLength":1}', '{"$defs":{"foo":{"type":"integer"}}}', 'true', '{"type":["string","null"],"required":["a","b"]}', '{"$id":"http://x.org/a#"}', '{"properties":{"p":{"pattern":"a-b"}}}'],
    invalid: ['{"minLength":-1}', '{"$defs":{"foo":{"type":1}}}', '{"$id":"#foo"}', '1', '{"type":["string","string"]}', '{"required":["a","a"]}'],
    narrowedOut: ['{"required":["b","a"]}', '{"properties":{"p":{"pattern":"^a"}}}'],
  },
  {
    name: 'enum checked through a relative $ref under an absolute root $id',
    schema: { $id: 'https://example.com/root.json', $defs: { a: { $id: 'a.json', type: 'integer' } }, allOf: [{ $ref: 'a.json' }], enum: [1, 'x'] },
    valid: ['1'],
    invalid: ['"x"', '2'],
  },
  // remote documents (the grammar CLI fetches them; here given as they would be loaded)
  {
    name: 'remote $refs resolved against nested $ids',
    schema: { $id: 'http://example.com/root.json', properties: { n: { $id: 'folder/', $ref: 'integer.json' }, s: { $ref: 'strings.json#/$defs/short' } }, required: ['n'] },
    remote: {
      'http://example.com/folder/integer.json': { type: 'integer', maximum: 9 },
      'http://example.com/strings.json': { $defs: { short: { type: 'string', maxLength: 2 } } },
    },
    valid: ['{"n":1}', '{"n":9,"s":"ab"}', '{"s":"","n":0}'],
    invalid: ['{"n":10}', '{"n":1,"s":"abc"}', '{"s":"a"}', '{"n":"1"}'],
  },
  {
    name: 'remote recursive document',
    schema: { type: 'array', items: { $ref: 'http://example.com/tree.json' }, maxItems: 2 },
    remote: {
      'http://example.com/tree.json': {
        type: 'object',
        properties: { v: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#' }, maxItems: 2 } },
        required: ['v'],
        additionalProperties: false,
      },
    },
    valid: ['[]', '[{"v":1}]', '[{"v":1,"kids":[{"v":2,"kids":[]}]},{"v":3}]'],
    invalid: ['[{"v":"x"}]', '[{"v":1,"kids":[{}]}]', '[{}]', '[{"v":1,"w":2}]'],
  },
  // minProperties counting several additional members: their keys chained by first character, in increasing order
  {
    name: 'minProperties 2 with additional properties',
    schema: { minProperties: 2 },
    valid: ['{"a":1,"b":2}', '{"":0,"a":[1],"b":null}', '[]', '1'],
    invalid: ['{}', '{"a":1}', '{"a":1,"a":2}'],
    narrowedOut: ['{"b":1,"a":2}', '{"ab":1,"ac":2}'],
  },
  {
    name: 'minProperties 3 with a required property and typed additional properties',
    schema: { properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: { type: 'integer' }, minProperties: 3, maxProperties: 4 },
    valid: ['{"id":"x","a":1,"b":2}', '{"a":1,"id":"x","c":3}', '{"a":1,"b":2,"c":3,"id":"x"}'],
    invalid: ['{"id":"x","a":1}', '{"id":"x","a":1,"b":"s"}', '{"a":1,"b":2,"c":3}', '{"a":1,"b":2,"c":3,"d":4,"id":"x"}', '{"id":"x","a":1,"a":2}'],
    narrowedOut: ['{"id":"x","b":1,"a":2}'],
  },
  // uniqueItems over strings shaped only by their length: a chain by first character, in increasing order
  {
    name: 'uniqueItems of strings (increasing first characters)',
    schema: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    valid: ['[]', '["a"]', '["","a","b"]', '["\\n","A","a\\u0000","é"]', '["\\"x","\\\\"]'],
    invalid: ['["a","a"]', '["",""]', '[1]'],
    narrowedOut: ['["b","a"]', '["ab","ac"]', '["é","ü"]'],
  },
  {
    name: 'uniqueItems of strings with a length range',
    schema: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 3 }, uniqueItems: true, maxItems: 3 },
    valid: ['["a","bc"]', '["ab","b\\"","cde"]', '[]'],
    invalid: ['[""]', '["abcd"]', '["a","b","c","d"]', '["a","a"]'],
    narrowedOut: ['["a","ab"]', '["b","a"]'],
  },
  {
    name: 'uniqueItems of bounded strings and integers',
    schema: { type: 'array', items: { anyOf: [{ type: 'string', maxLength: 2 }, { type: 'integer', minimum: 0 }] }, uniqueItems: true, minItems: 2, maxItems: 3 },
    valid: ['["a",1]', '[1,"a"]'],
    invalid: ['["a"]', '["a","b","c","d"]', '["abc",1]', '[1,1]', '["a","a"]'],
    narrowedOut: ['[1,2]', '["x","yz"]', '[1,"a","b"]'],
  },
  // unevaluatedProperties/unevaluatedItems where evaluation is static (own and allOf/$ref keywords)
  { name: 'unevaluatedProperties false', schema: { unevaluatedProperties: false }, valid: ['{}', '1', '[]'], invalid: ['{"foo":1}'] },
  {
    name: 'unevaluatedProperties with allOf and $ref',
    schema: { $defs: { b: { properties: { b: { type: 'integer' } } } }, $ref: '#/$defs/b', properties: { a: { type: 'string' } }, allOf: [{ patternProperties: { '^x-': true } }], unevaluatedProperties: { type: 'boolean' } },
    valid: ['{"a":"s","b":1,"x-y":[],"z":true}', '{"b":2,"a":"t"}', '{}'],
    invalid: ['{"z":1}', '{"a":"s","b":1,"zz":null}', '{"b":"1"}'],
  },
  { name: 'unevaluatedProperties in a referenced scope', schema: { $defs: { A: { unevaluatedProperties: false } }, properties: { p: { type: 'string' } }, $ref: '#/$defs/A' }, valid: ['{}', '"x"'], invalid: ['{"p":"x"}'] },
  { name: 'unevaluatedProperties after additionalProperties', schema: { properties: { foo: {} }, additionalProperties: { type: 'string' }, unevaluatedProperties: false }, valid: ['{"foo":1,"bar":"x"}'], invalid: ['{"bar":1}'] },
  { name: 'unevaluatedItems with nested prefixItems', schema: { prefixItems: [{ type: 'string' }], allOf: [{ prefixItems: [true, { type: 'number' }] }], unevaluatedItems: false }, valid: ['["foo",42]', '["foo"]', '[]'], invalid: ['["foo",42,true]', '[1]'] },
  { name: 'unevaluatedItems after items', schema: { items: { type: 'number' }, unevaluatedItems: { type: 'string' } }, valid: ['[5,6]', '[]'], invalid: ['["foo"]'] },
  { name: 'unevaluatedItems as schema', schema: { unevaluatedItems: { type: 'string' } }, valid: ['[]', '["foo","bar"]', '{}'], invalid: ['[42]'] },
  // unevaluated* next to anyOf/oneOf/if/dependentSchemas/contains: one disjunct per choice of passing branches
  {
    name: 'unevaluatedProperties next to anyOf',
    schema: {
      properties: { foo: { type: 'string' } },
      anyOf: [{ properties: { bar: { const: 'bar' } }, required: ['bar'] }, { properties: { baz: { const: 'baz' } }, required: ['baz'] }],
      unevaluatedProperties: false,
    },
    valid: ['{"foo":"foo","bar":"bar"}', '{"foo":"foo","bar":"bar","baz":"baz"}', '{"baz":"baz"}', '"x"'],
    invalid: ['{"foo":"foo","bar":"bar","baz":"not-baz"}', '{"foo":"foo"}', '{"bar":"bar","qux":1}', '{"bar":"bar","foo":1}'],
  },
  {
    name: 'unevaluatedProperties next to oneOf',
    schema: {
      properties: { foo: { type: 'string' } },
      oneOf: [{ properties: { bar: { const: 'bar' } }, required: ['bar'] }, { properties: { baz: { const: 'baz' } }, required: ['baz'] }],
      unevaluatedProperties: false,
    },
    valid: ['{"foo":"foo","bar":"bar"}', '{"baz":"baz"}'],
    invalid: ['{"foo":"foo","bar":"bar","quux":"quux"}', '{"bar":"bar","baz":"baz"}', '{"foo":"foo"}'],
  },
  {
    name: 'unevaluatedProperties next to overlapping nested oneOf (exact through complements)',
    schema: {
      $defs: {
        one: { oneOf: [{ $ref: '#/$defs/two' }, { required: ['b'], properties: { b: true } }, { required: ['xx'], patternProperties: { x: true } }, { required: ['all'], unevaluatedProperties: true }] },
        two: { oneOf: [{ required: ['c'], properties: { c: true } }, { required: ['d'], properties: { d: true } }] },
      },
      oneOf: [{ $ref: '#/$defs/one' }, { required: ['a'], properties: { a: true } }],
      unevaluatedProperties: false,
    },
    valid: ['{"a":1}', '{"b":1}', '{"c":1}', '{"d":1}', '{"xx":1}', '{"xx":1,"foox":1}', '{"all":1}', '{"all":1,"foo":1}'],
    invalid: ['{}', '{"a":1,"b":1}', '{"c":1,"d":1}', '{"xx":1,"foo":1}', '{"xx":1,"c":1}', '{"all":1,"a":1}', '{"b":1,"e":1}'],
  },
  {
    name: 'unevaluatedProperties next to if/then/else',
    schema: {
      if: { properties: { foo: { const: 'then' } }, required: ['foo'] },
      then: { properties: { bar: { type: 'string' } }, required: ['bar'] },
      else: { properties: { baz: { type: 'string' } }, required: ['baz'] },
      unevaluatedProperties: false,
    },
    valid: ['{"foo":"then","bar":"bar"}', '{"baz":"baz"}'],
    invalid: ['{"foo":"then","bar":"bar","baz":"baz"}', '{"foo":"else","baz":"baz"}', '{"bar":"bar","baz":"baz"}'],
  },
  { name: 'unevaluatedProperties sees a lone if', schema: { if: { patternProperties: { foo: { type: 'string' } } }, unevaluatedProperties: false }, valid: ['{"foo":"a"}', '{}', '{"xfoo":"b"}'], invalid: ['{"bar":"a"}', '{"foo":1}'], ajvMisjudges: ['{"foo":"a"}', '{"xfoo":"b"}'] },
  {
    name: 'unevaluatedProperties next to dependentSchemas',
    schema: { properties: { foo2: {} }, dependentSchemas: { foo: {}, foo2: { properties: { bar: {} } } }, unevaluatedProperties: false },
    valid: ['{"foo2":"","bar":""}', '{}', '{"foo2":1}'],
    invalid: ['{"foo":""}', '{"bar":""}', '{"foo2":"","foo":""}'],
  },
  { name: 'dependentSchemas false ignores non-objects', schema: { dependentSchemas: { a: false } }, valid: ['1', '"x"', '[]', '{}', '{"b":1}'], invalid: ['{"a":1}'] },
  {
    name: 'unevaluatedItems next to anyOf',
    schema: { prefixItems: [{ const: 'foo' }], anyOf: [{ prefixItems: [true, { const: 'bar' }] }, { prefixItems: [true, true, { const: 'baz' }] }], unevaluatedItems: false },
    valid: ['["foo","bar"]', '["foo","bar","baz"]', '["foo",1,"baz"]', '["foo"]'],
    invalid: ['["foo","bar",42]', '["foo","bar","baz",42]', '["bar"]'],
  },
  { name: 'unevaluatedItems next to an anyOf with items', schema: { unevaluatedItems: { type: 'boolean' }, anyOf: [{ items: { type: 'string' } }, true] }, valid: ['[true,false]', '["yes","no"]', '[]'], invalid: ['["yes",false]', '[1]'], ajvMisjudges: ['["yes","no"]', '["yes",false]', '[1]'] },
  { name: 'unevaluatedItems next to contains', schema: { prefixItems: [true], contains: { type: 'string' }, unevaluatedItems: false }, valid: ['[1,"foo"]', '[1,"foo","bar"]', '["x"]'], invalid: ['[1,2]', '[1,2,"foo"]', '[1]'], ajvMisjudges: ['[1,2,"foo"]'] },
  { name: 'unevaluatedItems with minContains 0', schema: { contains: { type: 'string' }, minContains: 0, unevaluatedItems: false }, valid: ['[]', '["foo","bar"]'], invalid: ['[0]', '["foo",0]'], ajvMisjudges: ['["foo","bar"]'] },
  { name: 'unevaluatedItems sees a lone if', schema: { if: { prefixItems: [{ const: 'a' }] }, unevaluatedItems: false }, valid: ['["a"]', '[]', '1'], invalid: ['["b"]', '["a","b"]'], ajvMisjudges: ['["a"]'] },
  // recursion through rewritten keywords ends: the same synthetic or derived schema is the same rule
  { name: 'unevaluatedProperties next to a recursive anyOf', schema: { anyOf: [{ properties: { x: { $ref: '#' } } }, { required: ['y'] }], unevaluatedProperties: false }, valid: ['{}', '{"x":{}}', '{"x":{"x":{}}}', '{"x":1}'], invalid: ['{"y":1}', '{"x":{"y":1}}', '{"z":1}'] },
  { name: 'recursive dependentSchemas', schema: { type: 'object', dependentSchemas: { a: { properties: { b: { $ref: '#' } } } } }, valid: ['{"a":1,"b":{"a":2,"b":{}}}', '{"b":5}', '{}'], invalid: ['{"a":1,"b":2}', '{"a":1,"b":{"a":1,"b":"x"}}'] },
  { name: 'unevaluatedItems next to a recursive contains', schema: { contains: { $ref: '#' }, unevaluatedItems: false }, valid: ['1', '[1]', '[[1],2]'], invalid: ['[]', '[[]]'] },
  // $dynamicRef resolved statically: a JSON Pointer, an $anchor, or a $dynamicAnchor declared once
  {
    name: '$dynamicRef to a single $dynamicAnchor',
    schema: { $id: 'https://example.com/root', type: 'array', items: { $dynamicRef: '#items' }, $defs: { foo: { $dynamicAnchor: 'items', type: 'string' } } },
    valid: ['["foo","bar"]', '[]'],
    invalid: ['["foo",42]', '{}'],
    ajvMisjudges: ['["foo","bar"]'],
  },
  { name: '$ref to a $dynamicAnchor', schema: { type: 'array', items: { $ref: '#items' }, $defs: { foo: { $dynamicAnchor: 'items', type: 'string' } } }, valid: ['["foo"]'], invalid: ['[1]'] },
  {
    name: '$dynamicRef with a JSON Pointer',
    schema: { $defs: { true: true, false: false }, properties: { true: { $dynamicRef: '#/$defs/true' }, false: { $dynamicRef: '#/$defs/false' } } },
    valid: ['{"true":1}', '{}'],
    invalid: ['{"false":1}'],
    ajvMisjudges: ['{"false":1}'],
  },
  // $dynamicRef through the dynamic scope: rules specialised per binding of the outermost $dynamicAnchor
  { name: '$dynamicRef through the dynamic scope', schema: { $defs: { a: { $dynamicAnchor: 'x', type: 'string' }, b: { $id: 'b', $dynamicAnchor: 'x' } }, type: 'array', items: { $dynamicRef: '#x' } }, valid: ['["s"]', '[]'], invalid: ['[1]', '[null]'], ajvMisjudges: ['["s"]'] },
  {
    name: '$dynamicRef bound by the outermost resource through $ref',
    schema: {
      $id: 'https://example.com/dynamic-scope/root',
      $ref: 'list',
      $defs: { foo: { $dynamicAnchor: 'items', type: 'string' }, list: { $id: 'list', type: 'array', items: { $dynamicRef: '#items' }, $defs: { items: { $dynamicAnchor: 'items' } } } },
    },
    valid: ['["foo","bar"]', '[]'],
    invalid: ['["foo",42]', '{}'],
    ajvMisjudges: ['["foo","bar"]'],
  },
  {
    name: '$dynamicRef bound differently on each path to it',
    schema: {
      $id: 'https://example.com/dynamic-paths/main',
      if: { properties: { kind: { const: 'numbers' } }, required: ['kind'] },
      then: { $ref: 'numberList' },
      else: { $ref: 'stringList' },
      $defs: {
        genericList: { $id: 'genericList', properties: { list: { items: { $dynamicRef: '#itemType' } } }, $defs: { default: { $dynamicAnchor: 'itemType' } } },
        numberList: { $id: 'numberList', $defs: { itemType: { $dynamicAnchor: 'itemType', type: 'number' } }, $ref: 'genericList' },
        stringList: { $id: 'stringList', $defs: { itemType: { $dynamicAnchor: 'itemType', type: 'string' } }, $ref: 'genericList' },
      },
    },
    valid: ['{"kind":"numbers","list":[1.5,2]}', '{"kind":"strings","list":["foo"]}', '{"list":[]}'],
    invalid: ['{"kind":"numbers","list":["foo"]}', '{"kind":"strings","list":[1.5]}', '{"list":[1]}'],
    ajvMisjudges: ['{"kind":"numbers","list":["foo"]}', '{"kind":"strings","list":[1.5]}', '{"list":[1]}'],
  },
  {
    name: '$dynamicRef skips resources never entered',
    schema: {
      $id: 'https://example.com/dynamic-skips/main',
      properties: { item: { $ref: 'item' } },
      $defs: {
        bar: {
          $id: 'bar',
          items: { $ref: 'item' },
          $defs: {
            item: { $id: 'item', properties: { content: { $dynamicRef: '#content' } }, $defs: { default: { $dynamicAnchor: 'content', type: 'integer' } } },
            content: { $dynamicAnchor: 'content', type: 'string' },
          },
        },
      },
    },
    valid: ['{"item":{"content":42}}'],
    invalid: ['{"item":{"content":"value"}}'],
    ajvMisjudges: ['{"item":{"content":"value"}}'],
  },
  {
    name: '$dynamicRef under unevaluatedProperties, bound by the root',
    schema: {
      $id: 'https://example.com/dynamic-unevaluated/derived',
      $ref: './base',
      $defs: {
        derived: { $dynamicAnchor: 'addons', properties: { bar: { type: 'string' } } },
        base: { $id: './base', unevaluatedProperties: false, properties: { foo: { type: 'string' } }, $dynamicRef: '#addons', $defs: { default: { $dynamicAnchor: 'addons' } } },
      },
    },
    valid: ['{"foo":"foo","bar":"bar"}', '{}'],
    invalid: ['{"foo":"foo","bar":"bar","baz":"baz"}', '{"bar":1}'],
    ajvMisjudges: ['{"foo":"foo","bar":"bar"}', '{}', '{"foo":"foo","bar":"bar","baz":"baz"}', '{"bar":1}'],
  },
  {
    name: '$dynamicRef after leaving a dynamic scope (if/then with $id)',
    schema: {
      $id: 'https://example.com/dynamic-leaving/main',
      if: { $id: 'first_scope', $defs: { thingy: { $dynamicAnchor: 'thingy', type: 'number' } } },
      then: { $id: 'second_scope', $ref: 'start', $defs: { thingy: { $dynamicAnchor: 'thingy', type: 'null' } } },
      $defs: { start: { $id: 'start', $dynamicRef: 'inner_scope#thingy' }, thingy: { $id: 'inner_scope', $dynamicAnchor: 'thingy', type: 'string' } },
    },
    valid: ['null'],
    invalid: ['"a string"', '42'],
    ajvMisjudges: ['null', '"a string"', '42'],
  },
  { name: '$id inside if and dependentSchemas', schema: { if: { $id: 'http://example.com/if', type: 'integer' }, then: { minimum: 0 }, dependentSchemas: { a: { $id: 'http://example.com/dep', required: ['b'] } } }, valid: ['5', '-1.5', '"x"', '{"a":1,"b":2}', '{}'], invalid: ['-1', '{"a":1}'] },
  // enum/const objects: members in any order (JSON equality ignores it)
  { name: 'const object in any member order', schema: { const: { foo: 'bar', baz: [{ a: 1, b: null }] } }, valid: ['{"foo":"bar","baz":[{"a":1,"b":null}]}', '{"baz":[{"b":null,"a":1}],"foo":"bar"}'], invalid: ['{"foo":"bar"}', '{"foo":"bar","baz":[{"a":1}]}'] },
  // patternProperties: keys classed by the patterns they match (named keys excluded)
  { name: 'patternProperties open', schema: { patternProperties: { 'f.*o': { type: 'integer' } } }, valid: ['{"foo":1,"foooooo":2}', '{"bar":"x"}', '{}', '[1]'], invalid: ['{"foo":"bar","fooooo":2}', '{"fo":"x"}'] },
  {
    name: 'overlapping patternProperties',
    schema: { patternProperties: { 'a*': { type: 'integer' }, 'aaa*': { maximum: 20 } } },
    valid: ['{"a":21}', '{"aaaa":18}', '{"a":21,"aaaa":18}'],
    invalid: ['{"a":"bar"}', '{"aaaa":31}', '{"aaa":"foo","aaaa":31}', '{"b":"x"}'],
  },
  {
    name: 'properties, patternProperties and additionalProperties',
    schema: { properties: { foo: { type: 'array', maxItems: 3 }, bar: { type: 'array' } }, patternProperties: { 'f.o': { minItems: 2 } }, additionalProperties: { type: 'integer' } },
    valid: ['{"foo":[1,2]}', '{"fxo":[1,2]}', '{"bar":[]}', '{"quux":3}', '{"bar":[],"quux":3,"f.o":[1,1]}'],
    invalid: ['{"foo":[1,2,3,4]}', '{"foo":[]}', '{"fxo":[]}', '{"quux":"foo"}'],
  },
  { name: 'patternProperties with boolean schemas', schema: { patternProperties: { 'f.*': true, 'b.*': false } }, valid: ['{"foo":1}', '{}', '{"x":null}'], invalid: ['{"bar":2}', '{"foobar":1}'] },
  { name: 'anchored non-ASCII patternProperties, closed', schema: { patternProperties: { '^á': {} }, additionalProperties: false }, valid: ['{"ármányos":2}', '{}'], invalid: ['{"élmény":2}', '{"a":1}'] },
  { name: 'patternProperties with a Unicode property escape', schema: { type: 'object', patternProperties: { '^\\p{Letter}+$': { type: 'number' } } }, valid: ['{"π":1}', '{"123":"x"}'], invalid: ['{"π":"x"}', '{"ab":null}'] },
  { name: 'pattern with a Unicode property escape', schema: { type: 'string', pattern: '^\\p{Letter}+$' }, valid: ['"Hello"', '"π"'], invalid: ['"123"', '""', '"a1"'] },
  // formats enforced as subsets of what RFCs and ajv-formats accept
  { name: 'format duration', schema: { type: 'string', format: 'duration' }, valid: ['"P1D"', '"PT36H"', '"P1Y2M3DT4H5M6S"', '"P2W"'], invalid: ['"PT1D"', '"P"', '"1D"', '"P1DT"'] },
  { name: 'format json-pointer', schema: { type: 'string', format: 'json-pointer' }, valid: ['""', '"/foo/0"', '"/a~1b/~0"', '"/"'], invalid: ['"foo"', '"/a~2"'] },
  { name: 'format relative-json-pointer', schema: { type: 'string', format: 'relative-json-pointer' }, valid: ['"0"', '"1/foo"', '"2#"'], invalid: ['"/foo"', '"-1"', '"01"'] },
  { name: 'format uri-reference', schema: { type: 'string', format: 'uri-reference' }, valid: ['"http://a.example/b?c#d"', '"foo/bar"', '"a%20b?x#y"', '""', '"#"', '"?q"', '"/a//b"'], invalid: ['"a b"', '"http://a b"', '"%zz"', '"/a b"', '"#a#"'] },
  { name: 'format uri-template', schema: { type: 'string', format: 'uri-template' }, valid: ['"http://example.com/{term}/x"', '"/search{?q,lang}"', '"plain"'], invalid: ['"http://example.com/{term"', '"a b"'] },
  { name: 'format regex', schema: { type: 'string', format: 'regex' }, valid: ['"abc"', '"a-b_c 1"', '""'], invalid: ['"(abc"', '"^(abc]"'] },
];

/** Schemas that must be refused, with the keyword the refusal names. */
export const REFUSED: Array<{ name: string; schema: unknown; keyword: string; pointer: string }> = [
  { name: 'uniqueItems of patterned strings (narrowing would leave one item)', schema: { type: 'array', items: { type: 'string', pattern: '^a' }, uniqueItems: true }, keyword: 'uniqueItems', pointer: '' },
  { name: 'uniqueItems narrowed below minItems', schema: { type: 'array', items: { type: ['integer', 'object'] }, uniqueItems: true, minItems: 3 }, keyword: 'uniqueItems', pointer: '' },
  { name: 'if without an exact complement', schema: { if: { type: 'string', pattern: '^a' }, then: { maxLength: 1 } }, keyword: 'if', pointer: '' },
  { name: 'overlapping oneOf without complements', schema: { type: 'string', oneOf: [{ pattern: 'a' }, { pattern: 'b' }] }, keyword: 'oneOf', pointer: '' },
  { name: 'not of a pattern', schema: { type: 'string', not: { pattern: '^x' } }, keyword: 'not', pointer: '/not' },
  { name: 'lookahead pattern', schema: { type: 'string', pattern: '^(?=a)' }, keyword: 'pattern', pointer: '' },
  { name: 'backreference', schema: { properties: { p: { type: 'string', pattern: '(a)\\1' } } }, keyword: 'pattern', pointer: '/properties/p' },
  { name: 'format with a maxLength needing too many automaton states', schema: { type: 'string', format: 'email', maxLength: 254 }, keyword: 'format', pointer: '' },
  { name: 'remote $ref', schema: { $ref: 'https://example.com/schema.json' }, keyword: '$ref', pointer: '' },
  { name: 'unevaluatedProperties next to a wide anyOf', schema: { anyOf: [1, 2, 3, 4, 5].map((n) => ({ properties: { [`k${n}`]: true } })), unevaluatedProperties: false }, keyword: 'unevaluatedProperties', pointer: '' },
  {
    name: 'values checked with ajv under a $dynamicRef read through the dynamic scope',
    schema: { $defs: { a: { $dynamicAnchor: 'x', type: 'string' }, b: { $id: 'b', $dynamicAnchor: 'x' } }, properties: { p: { enum: [['a'], [1]], items: { $dynamicRef: '#x' } } } },
    keyword: '$dynamicRef',
    pointer: '/properties/p',
  },
  { name: 'a schema reached in too many dynamic scopes', schema: wideScopes(8), keyword: '$dynamicRef', pointer: '/$defs/x6' },
  { name: 'several contains with maxContains', schema: { allOf: [{ contains: { const: 1 } }, { contains: { const: 2 }, maxContains: 1 }] }, keyword: 'contains', pointer: '/allOf/1' },
  { name: 'maxContains without an exact complement', schema: { contains: { type: 'string', pattern: 'a' }, maxContains: 1 }, keyword: 'maxContains', pointer: '' },
  { name: 'multipleOf with a large modulus', schema: { type: 'integer', multipleOf: 1234567 }, keyword: 'multipleOf', pointer: '' },
  { name: 'asserted format not supported', schema: { type: 'string', format: 'iso-time' }, keyword: 'format', pointer: '' },
  {
    name: 'complement through a $ref into another schema resource',
    schema: { $defs: { x: { type: 'number' }, other: { $id: 'http://example.com/other', $defs: { x: { type: 'string' } }, not: { $ref: '#/$defs/x' } } }, if: { $ref: 'http://example.com/other' }, then: { minimum: 1 } },
    keyword: 'if',
    pointer: '',
  },
  { name: '$id inside a not rewritten to its complement', schema: { type: 'integer', not: { not: { $id: 'http://example.com/n', minimum: 3 } } }, keyword: '$id', pointer: '/not' },
  { name: 'minProperties 2 with patternProperties', schema: { type: 'object', patternProperties: { '^x': true }, minProperties: 2 }, keyword: 'minProperties', pointer: '' },
  { name: 'accepts nothing', schema: { type: 'string', not: { type: 'string' } }, keyword: 'false', pointer: '' },
  { name: 'self-referencing $ref', schema: { $defs: { a: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }, keyword: '$ref', pointer: '/$defs/a' },
];
