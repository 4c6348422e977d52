import { GbnfBuilder, schemaToGbnf } from './gbnf-builder';
import { SchemaConversionError } from './schema-conversion-error';
import { ConversionOptions } from './schema-tree';

/** Golden tests: rule names are deterministic and rules sorted, so whole grammars are compared. */
const GOLDEN: Array<{ name: string; schema: unknown; options?: ConversionOptions; expectedGrammar: string }> = [
  {
    name: "string",
    schema: {"type":"string"},
    expectedGrammar: `char ::= [^\\x22\\x5C\\x00-\\x1F] | "\\x5C" ( [\\x22\\x5C/bfnrt] | "u" unicode-escape )
hex ::= [0-9a-fA-F]
root ::= value-of-root
string ::= "\\x22" char* "\\x22"
unicode-escape ::= [0-9a-cA-Ce-fE-F] hex hex hex | [dD] [0-7] hex hex
value-of-root ::= string
`,
  },
  {
    name: "bounded string",
    schema: {"type":"string","minLength":1,"maxLength":8},
    expectedGrammar: `char ::= [^\\x22\\x5C\\x00-\\x1F] | "\\x5C" ( [\\x22\\x5C/bfnrt] | "u" unicode-escape )
hex ::= [0-9a-fA-F]
root ::= value-of-root
unicode-escape ::= [0-9a-cA-Ce-fE-F] hex hex hex | [dD] [0-7] hex hex
value-of-root ::= value-of-root-string
value-of-root-string ::= "\\x22" char{1,8} "\\x22"
`,
  },
  {
    name: "integer range",
    schema: {"type":"integer","minimum":1,"maximum":31},
    expectedGrammar: `root ::= value-of-root
value-of-root ::= value-of-root-integer
value-of-root-integer ::= [1-9] | (([1-2] [0-9] | "3" [0-1]))
`,
  },
  {
    name: "enum with escapes",
    schema: {"enum":["a\"b","x\\y","é\n",3,null]},
    expectedGrammar: `root ::= value-of-root
value-of-root ::= "\\x22a\\x5C\\x22b\\x22" | "\\x22x\\x5C\\x5Cy\\x22" | "\\x22\\xE9\\x5Cn\\x22" | "3" | "null"
`,
  },
  {
    name: "strict object, properties in any order",
    schema: {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},"required":["name"]},
    options: {"additionalPropertiesDefault":false},
    expectedGrammar: `char ::= [^\\x22\\x5C\\x00-\\x1F] | "\\x5C" ( [\\x22\\x5C/bfnrt] | "u" unicode-escape )
hex ::= [0-9a-fA-F]
root ::= value-of-root
string ::= "\\x22" char* "\\x22"
unicode-escape ::= [0-9a-cA-Ce-fE-F] hex hex hex | [dD] [0-7] hex hex
value-of-root ::= value-of-root-object
value-of-root-0-0 ::= value-of-root-name-kv value-of-root-1-1 | value-of-root-age-kv value-of-root-2-1
value-of-root-1-1 ::= "" | "," value-of-root-age-kv
value-of-root-2-1 ::= "," value-of-root-name-kv
value-of-root-age ::= value-of-root-age-integer
value-of-root-age-integer ::= ("0" | [1-9] [0-9]{0,14})
value-of-root-age-kv ::= "\\x22age\\x22" ":" value-of-root-age
value-of-root-name ::= string
value-of-root-name-kv ::= "\\x22name\\x22" ":" value-of-root-name
value-of-root-object ::= "{" value-of-root-0-0 "}"
`,
  },
  {
    name: "larger object in declaration order",
    schema: {"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"},"c":{"const":1},"d":{"type":"string"},"e":{"type":"integer"}},"required":["a","e"],"additionalProperties":false},
    expectedGrammar: `boolean ::= "true" | "false"
char ::= [^\\x22\\x5C\\x00-\\x1F] | "\\x5C" ( [\\x22\\x5C/bfnrt] | "u" unicode-escape )
hex ::= [0-9a-fA-F]
integer ::= "0" | "-"? [1-9] [0-9]{0,14}
null ::= "null"
root ::= value-of-root
string ::= "\\x22" char* "\\x22"
unicode-escape ::= [0-9a-cA-Ce-fE-F] hex hex hex | [dD] [0-7] hex hex
value-of-root ::= value-of-root-object
value-of-root-0-0 ::= value-of-root-a-kv value-of-root-1-1
value-of-root-1-1 ::= "," value-of-root-b-kv value-of-root-2-1 | value-of-root-2-1
value-of-root-2-1 ::= "," value-of-root-c-kv value-of-root-3-1 | value-of-root-3-1
value-of-root-3-1 ::= "," value-of-root-d-kv value-of-root-4-1 | value-of-root-4-1
value-of-root-4-1 ::= "," value-of-root-e-kv
value-of-root-a ::= boolean
value-of-root-a-kv ::= "\\x22a\\x22" ":" value-of-root-a
value-of-root-b ::= null
value-of-root-b-kv ::= "\\x22b\\x22" ":" value-of-root-b
value-of-root-c ::= "1"
value-of-root-c-kv ::= "\\x22c\\x22" ":" value-of-root-c
value-of-root-d ::= string
value-of-root-d-kv ::= "\\x22d\\x22" ":" value-of-root-d
value-of-root-e ::= integer
value-of-root-e-kv ::= "\\x22e\\x22" ":" value-of-root-e
value-of-root-object ::= "{" value-of-root-0-0 "}"
`,
  },
  {
    name: "additional properties (spec default)",
    schema: {"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]},
    expectedGrammar: `array ::= "[" ( value ( "," value )* )? "]"
boolean ::= "true" | "false"
char ::= [^\\x22\\x5C\\x00-\\x1F] | "\\x5C" ( [\\x22\\x5C/bfnrt] | "u" unicode-escape )
decimal-integer-part ::= "0" | [1-9] [0-9]{0,8}
hex ::= [0-9a-fA-F]
integer ::= "0" | "-"? [1-9] [0-9]{0,14}
key-char ::= [^\\x22\\x5C\\x00-\\x1F]
member ::= string ":" value
null ::= "null"
number ::= integer | "-"? decimal-integer-part "." [0-9]{1,6}
object ::= "{" ( member ( "," member )* )? "}"
root ::= value-of-root
string ::= "\\x22" char* "\\x22"
unicode-escape ::= [0-9a-cA-Ce-fE-F] hex hex hex | [dD] [0-7] hex hex
value ::= object | array | string | number | boolean | null
value-of-root ::= value-of-root-object
value-of-root-0-0 ::= value-of-root-id-kv value-of-root-1-1 | value-of-root-additional-kv value-of-root-0-1
value-of-root-0-1 ::= "," value-of-root-id-kv value-of-root-1-1 | "," value-of-root-additional-kv value-of-root-0-1
value-of-root-1-1 ::= "" | "," value-of-root-additional-kv value-of-root-1-1
value-of-root-additional-key ::= "\\x22" value-of-root-key-except-3 "\\x22"
value-of-root-additional-kv ::= value-of-root-additional-key ":" value
value-of-root-id ::= integer
value-of-root-id-kv ::= "\\x22id\\x22" ":" value-of-root-id
value-of-root-key-except ::= [^\\x22\\x5C\\x00-\\x1F] key-char*
value-of-root-key-except-2 ::= "" | "d" value-of-root-key-except | [^\\x22\\x5C\\x00-\\x1F\\x64] key-char*
value-of-root-key-except-3 ::= "" | "i" value-of-root-key-except-2 | [^\\x22\\x5C\\x00-\\x1F\\x69] key-char*
value-of-root-object ::= "{" value-of-root-0-0 "}"
`,
  },
  {
    name: "bounded array",
    schema: {"type":"array","items":{"type":"boolean"},"minItems":1,"maxItems":3},
    expectedGrammar: `boolean ::= "true" | "false"
root ::= value-of-root
value-of-root ::= value-of-root-array
value-of-root-array ::= "[" value-of-root-item ("," value-of-root-item){0,2} "]"
value-of-root-item ::= boolean
`,
  },
  {
    name: "anyOf",
    schema: {"anyOf":[{"type":"null"},{"type":"string","format":"uuid"}]},
    expectedGrammar: `null ::= "null"
root ::= value-of-root
value-of-root ::= value-of-root-anyOf-0 | value-of-root-anyOf-1
value-of-root-1-string ::= "\\x22" [0-9A-Fa-f]{8} [\\x2D] [0-9A-Fa-f]{4} [\\x2D] [0-9A-Fa-f]{4} [\\x2D] [0-9A-Fa-f]{4} [\\x2D] [0-9A-Fa-f]{12} "\\x22"
value-of-root-anyOf-0 ::= null
value-of-root-anyOf-1 ::= value-of-root-1-string
`,
  },
  {
    name: "recursive $ref",
    schema: {"$defs":{"list":{"type":"object","properties":{"head":{"type":"integer"},"tail":{"anyOf":[{"type":"null"},{"$ref":"#/$defs/list"}]}},"required":["head","tail"],"additionalProperties":false}},"$ref":"#/$defs/list"},
    expectedGrammar: `integer ::= "0" | "-"? [1-9] [0-9]{0,14}
null ::= "null"
root ::= value-of-root
value-of-root ::= value-of-root-object
value-of-root-0-0 ::= value-of-root-head-kv value-of-root-1-1 | value-of-root-tail-1-tail-kv value-of-root-2-1
value-of-root-1-1 ::= "," value-of-root-tail-1-tail-kv
value-of-root-2-1 ::= "," value-of-root-head-kv
value-of-root-head ::= integer
value-of-root-head-kv ::= "\\x22head\\x22" ":" value-of-root-head
value-of-root-object ::= "{" value-of-root-0-0 "}"
value-of-root-tail ::= value-of-root-tail-anyOf-0 | value-of-root-tail-anyOf-1
value-of-root-tail-1-0-0 ::= value-of-root-head-kv value-of-root-tail-1-1-1 | value-of-root-tail-1-tail-kv value-of-root-tail-1-2-1
value-of-root-tail-1-1-1 ::= "," value-of-root-tail-1-tail-kv
value-of-root-tail-1-2-1 ::= "," value-of-root-head-kv
value-of-root-tail-1-object ::= "{" value-of-root-tail-1-0-0 "}"
value-of-root-tail-1-tail-kv ::= "\\x22tail\\x22" ":" value-of-root-tail
value-of-root-tail-anyOf-0 ::= null
value-of-root-tail-anyOf-1 ::= value-of-root-tail-1-object
`,
  },
  {
    name: "pattern",
    schema: {"type":"string","pattern":"^[a-z]+(-[a-z]+)*$"},
    expectedGrammar: `root ::= value-of-root
value-of-root ::= value-of-root-string
value-of-root-pattern-part ::= [\\x2D] [a-z]+
value-of-root-string ::= "\\x22" [a-z]+ value-of-root-pattern-part* "\\x22"
`,
  },
  {
    name: "keywords without type",
    schema: {"minLength":2,"maximum":9},
    expectedGrammar: `array ::= "[" ( value ( "," value )* )? "]"
boolean ::= "true" | "false"
char ::= [^\\x22\\x5C\\x00-\\x1F] | "\\x5C" ( [\\x22\\x5C/bfnrt] | "u" unicode-escape )
decimal-integer-part ::= "0" | [1-9] [0-9]{0,8}
hex ::= [0-9a-fA-F]
integer ::= "0" | "-"? [1-9] [0-9]{0,14}
member ::= string ":" value
null ::= "null"
number ::= integer | "-"? decimal-integer-part "." [0-9]{1,6}
object ::= "{" ( member ( "," member )* )? "}"
root ::= value-of-root
string ::= "\\x22" char* "\\x22"
unicode-escape ::= [0-9a-cA-Ce-fE-F] hex hex hex | [dD] [0-7] hex hex
value ::= object | array | string | number | boolean | null
value-of-root ::= null | boolean | value-of-root-number | value-of-root-string | value-of-root-array | value-of-root-object
value-of-root-0-0 ::= "" | value-of-root-additional-kv value-of-root-0-1
value-of-root-0-1 ::= "" | "," value-of-root-additional-kv value-of-root-0-1
value-of-root-additional-kv ::= string ":" value
value-of-root-array ::= "[" (value ("," value)*)? "]"
value-of-root-number ::= ("-" ([1-9] | ([1-9] [0-9]{1,14}))) | [0-9] | ("-" ((("0" "." ("0" ("0" ("0" ("0" ("0" [1-9] | [1-9] [0-9]?) | [1-9] [0-9]{0,2}) | [1-9] [0-9]{0,3}) | [1-9] [0-9]{0,4}) | [1-9] [0-9]{0,5}) | [1-9] "." [0-9]{1,6})) | ([1-9] [0-9]{1,8} "." [0-9]{1,6}))) | (([0-8] "." [0-9]{1,6} | "9" "." "0" ("0" ("0" ("0" ("0" ("0" | ) | ) | ) | ) | )))
value-of-root-object ::= "{" value-of-root-0-0 "}"
value-of-root-string ::= "\\x22" char{2,} "\\x22"
`,
  },
];

describe('schemaToGbnf golden grammars', () => {
  it.each(GOLDEN.map((c) => [c.name, c] as const))('%s', (_name, { schema, options, expectedGrammar }) => {
    expect(schemaToGbnf(schema, options)).toBe(expectedGrammar);
  });

  it('is deterministic: the same schema gives the same text', () => {
    const schema = GOLDEN[9].schema;
    expect(schemaToGbnf(schema)).toBe(schemaToGbnf(JSON.parse(JSON.stringify(schema))));
  });

  it('writes no insignificant whitespace into the JSON it allows', () => {
    const grammar = schemaToGbnf({ type: 'object', properties: { a: { type: 'array', items: { type: 'integer' } } } });
    // no whitespace rule, and no literal between tokens holds a blank (strings' own chars aside)
    expect(grammar).not.toMatch(/\bws\b|\bspace\b/);
    const literals = grammar.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(literals.filter((l) => / |\\x20|\\x09|\\x0A|\\x0D/.test(l))).toEqual([]);
  });
});

describe('GbnfBuilder', () => {
  it('puts several schemas into one grammar with distinct rule names', () => {
    const builder = new GbnfBuilder();
    const a = builder.addSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, 'get_weather');
    const b = builder.addSchema({ type: 'object', properties: { city: { type: 'integer' } }, required: ['city'], additionalProperties: false }, 'get_weather');
    expect(a).not.toBe(b);
    const call = builder.addRule('call', `${builder.literal('{"name":"get_weather","arguments":')} (${a} | ${b}) "}"`);
    const grammar = builder.build(call);
    expect(grammar).toMatch(/^root ::= call$/m);
    expect(grammar).toContain(`${a} ::=`);
    expect(grammar).toContain(`${b} ::=`);
    const names = grammar.trim().split('\n').map((line) => line.split(' ::= ')[0]);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('escapes literals so that schema text cannot inject grammar', () => {
    const builder = new GbnfBuilder();
    expect(builder.literal('a" | root ::= "x\\\n é🎉')).toBe('"a\\x22 \\x7C root \\x3A\\x3A\\x3D \\x22x\\x5C\\x0A \\xE9\\U0001F389"');
    const grammar = builder.build(builder.addSchema({ const: '"] | evil ::= [' }, 'v'));
    expect(grammar).not.toContain('evil ::=');
  });

  it('shares identical rule bodies and makes names GBNF-safe', () => {
    const builder = new GbnfBuilder();
    expect(builder.addRule('x', '"a"')).toBe('x');
    expect(builder.addRule('y', '"a"')).toBe('x');
    expect(builder.addRule('x', '"b"')).toBe('x-2');
    expect(builder.addRule('my tool.v2', '"c"')).toBe('my-tool-v2');
  });

  it('cuts names made from long hints to their start and end', () => {
    const builder = new GbnfBuilder();
    const hint = `value-of-root-${'properties-nested-'.repeat(10)}items-unique`;
    const name = builder.reserve(hint);
    expect(name).toHaveLength(64);
    expect(name.startsWith('value-of-root-proper')).toBe(true);
    expect(name.endsWith('-items-unique')).toBe(true);
    expect(builder.reserve(hint)).toBe(`${name}-2`);
  });
});

describe('refusals', () => {
  const refusal = (schema: unknown): SchemaConversionError => {
    try {
      schemaToGbnf(schema);
    } catch (error) {
      if (error instanceof SchemaConversionError) return error;
      throw error;
    }
    throw new Error('not refused');
  };

  it('lists every issue with keyword and JSON Pointer', () => {
    const error = refusal({
      type: 'object',
      properties: {
        tags: { type: 'array', uniqueItems: true },
        'a/b': { if: { type: 'string', pattern: '^x' }, then: { minLength: 2 } },
      },
      patternProperties: { '(?=x)': {} },
    });
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { keyword: 'if', pointer: '/properties/a~1b', message: expect.any(String) },
      ]),
    );
    expect(error.message).toContain("'if' at '/properties/a~1b'");
  });

  it('collects issues from separate branches together', () => {
    const error = refusal({ anyOf: [{ $ref: 'other.json' }, { type: 'string', format: 'iso-time' }] });
    expect(error.issues.map((i) => [i.keyword, i.pointer])).toEqual([
      ['format', '/anyOf/1'],
      ['$ref', '/anyOf/0'],
    ]);
  });

  it.each([
    ['invalid type name', { type: 'text' }, 'type'],
    ['negative maxLength', { maxLength: -1 }, 'maxLength'],
    ['unresolvable $ref', { $ref: '#/$defs/missing' }, '$ref'],
    ['invalid regex', { pattern: '(' }, 'pattern'],
    ['a schema accepting nothing', false, 'false'],
  ])('refuses %s', (_name, schema, keyword) => {
    expect(refusal(schema).issues.map((i) => i.keyword)).toContain(keyword);
  });

  it('refuses instead of widening: overlapping oneOf and not without exact complements, uniqueItems', () => {
    expect(refusal({ type: 'string', oneOf: [{ pattern: 'a' }, { pattern: 'b' }] }).issues[0].keyword).toBe('oneOf');
    expect(refusal({ type: 'string', not: { pattern: '^x' } }).issues[0].keyword).toBe('not');
    expect(refusal({ type: 'array', items: { type: 'integer' }, uniqueItems: true }).issues[0].keyword).toBe('uniqueItems');
  });

  it('ignores annotations and unknown keywords, as the spec says', () => {
    expect(() =>
      schemaToGbnf({ title: 'T', description: 'd', examples: [1], default: 2, 'x-vendor': true, format: 'x-unknown', type: 'string' }),
    ).not.toThrow();
  });
});
