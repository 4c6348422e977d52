import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { ChatTemplate, ChatTemplateContext, ChatTemplateError, ChatTemplateMessage, compileChatTemplate, parsePythonJson } from './chat-template';
import { pythonJsonDumps } from './python-json';
import { Dict, dictEntries, dictGet } from './python-values';

const REPO_ROOT = resolve(__dirname, '../..');
const FIXTURES = join(REPO_ROOT, 'test/fixtures/chat-templates');

/** A template of corpus.json: a file (`path`, relative to the repository root) or an inline `source`. */
interface TemplateSpec {
  name: string;
  origin: string;
  path?: string;
  source?: string;
  bos_token: string;
  eos_token: string;
}

interface Conversation {
  name: string;
  /** Holds values JSON.parse cannot represent: read with parsePythonJson, as the render CLI does. */
  python_json?: boolean;
  messages: ChatTemplateMessage[];
  tools?: unknown[];
  add_generation_prompt: boolean;
  extra?: Record<string, unknown>;
}

type ExpectedCase = { output: string } | { error: { type: string; message: string } };

interface Reference {
  template: string;
  source_date_epoch: number;
  compile_error?: { type: string; message: string };
  cases: Record<string, ExpectedCase>;
}

const corpus = (JSON.parse(readFileSync(join(FIXTURES, 'corpus.json'), 'utf8')) as { templates: TemplateSpec[] }).templates;
const conversationsText = readFileSync(join(FIXTURES, 'conversations.json'), 'utf8');
const conversations = (JSON.parse(conversationsText) as { conversations: Conversation[] }).conversations;
const pythonConversations = dictGet(parsePythonJson(conversationsText) as Dict, 'conversations') as Dict[];

/**
 * Template × conversation pairs (`<template>/<conversation>`) whose rendering does not match
 * Python Jinja2 yet, with the reason. Their tests run as `it.failing`: when one starts to match,
 * its test fails until the entry is removed from this list.
 */
const KNOWN_GAPS: Record<string, string> = {};

function readReference(name: string): Reference {
  return JSON.parse(readFileSync(join(FIXTURES, 'expected', `${name}.json`), 'utf8')) as Reference;
}

function templateSource(spec: TemplateSpec): string {
  return spec.source ?? readFileSync(join(REPO_ROOT, spec.path ?? ''), 'utf8');
}

function contextFor(spec: TemplateSpec, conversation: Conversation, index: number): ChatTemplateContext {
  const tokens = { bos_token: spec.bos_token, eos_token: spec.eos_token };
  if (conversation.python_json === true) {
    const python = pythonConversations[index];
    const extra = dictGet(python, 'extra');
    const tools = dictGet(python, 'tools');
    return {
      ...(extra instanceof Dict ? Object.fromEntries(dictEntries(extra)) : {}),
      messages: dictGet(python, 'messages') as ChatTemplateMessage[],
      ...(tools === undefined ? {} : { tools: tools as unknown[] }),
      add_generation_prompt: conversation.add_generation_prompt,
      ...tokens,
    };
  }
  return {
    ...conversation.extra,
    messages: conversation.messages,
    ...(conversation.tools === undefined ? {} : { tools: conversation.tools }),
    add_generation_prompt: conversation.add_generation_prompt,
    ...tokens,
  };
}

function renderError(render: () => string): ChatTemplateError {
  try {
    render();
  } catch (error) {
    if (error instanceof ChatTemplateError) return error;
    throw error;
  }
  throw new Error('expected the template to raise');
}

/** Runs `body` with the environment variable SOURCE_DATE_EPOCH set to `epoch`, then restores it. */
function withSourceDateEpoch<T>(epoch: number | string, body: () => T): T {
  const previous = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = String(epoch);
  try {
    return body();
  } finally {
    if (previous === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = previous;
  }
}

describe('chat templates render byte-identically to Python Jinja2 (transformers)', () => {
  it('covers every template of the corpus with a reference', () => {
    expect(corpus.length).toBeGreaterThan(100);
    expect(new Set(corpus.map((spec) => spec.name)).size).toBe(corpus.length);
  });

  for (const spec of corpus) {
    describe(spec.name, () => {
      const reference = readReference(spec.name);
      let compiled: ChatTemplate | undefined;
      const template = (): ChatTemplate => {
        compiled ??= compileChatTemplate(templateSource(spec), { name: spec.name });
        return compiled;
      };

      it('has a reference for every conversation', () => {
        expect(reference.compile_error).toBeUndefined();
        expect(Object.keys(reference.cases).sort()).toEqual(conversations.map((c) => c.name).sort());
      });

      conversations.forEach((conversation, index) => {
        const expected = reference.cases[conversation.name];
        const gap = KNOWN_GAPS[`${spec.name}/${conversation.name}`];
        const title = `${conversation.name}${conversation.python_json === true ? ' (parsed as Python JSON)' : ''}${'error' in expected ? ' (raises)' : ''}`;
        const run = gap === undefined ? it : it.failing;
        run(gap === undefined ? title : `${title} — known gap: ${gap}`, () => {
          const render = () => withSourceDateEpoch(reference.source_date_epoch, () => template().render(contextFor(spec, conversation, index)));
          if ('output' in expected) {
            expect(render()).toBe(expected.output);
          } else {
            const error = renderError(render);
            expect({ type: error.pythonType, message: error.message }).toEqual(expected.error);
            expect(error.kind).toBe(expected.error.type === 'TemplateError' ? 'raise_exception' : 'render');
          }
        });
      });
    });
  }
});

describe('tojson (Python json.dumps as transformers configures it)', () => {
  const render = (source: string, variables: Record<string, unknown> = {}): string =>
    compileChatTemplate(source).render({ messages: [], add_generation_prompt: false, bos_token: '', eos_token: '', ...variables });

  it('keeps non-ASCII text and escapes like Python (ensure_ascii=False)', () => {
    const value = 'héllo 👋 "quotes" \\ backslash\n\t\u0001\u007f';
    expect(render('{{ value | tojson }}', { value })).toBe('"héllo 👋 \\"quotes\\" \\\\ backslash\\n\\t\\u0001\u007f"');
  });

  it("uses Python's default separators and number formatting on nested values", () => {
    const value = { a: [1, 2.5, -3, 1e-7, 1e22, 123456.789], b: { c: null, d: true, e: false }, f: [], g: {} };
    expect(render('{{ value | tojson }}', { value })).toBe(
      '{"a": [1, 2.5, -3, 1e-07, 1e+22, 123456.789], "b": {"c": null, "d": true, "e": false}, "f": [], "g": {}}',
    );
  });

  it('pretty-prints with indent (item separator "," and newline, empty containers kept short)', () => {
    const value = { name: 'x', args: { list: [1, { k: 'v' }], empty: [] } };
    expect(render('{{ value | tojson(indent=2) }}', { value })).toBe(
      '{\n  "name": "x",\n  "args": {\n    "list": [\n      1,\n      {\n        "k": "v"\n      }\n    ],\n    "empty": []\n  }\n}',
    );
  });

  it('accepts separators, sort_keys and ensure_ascii', () => {
    const value = { b: 'é', a: [1, 2] };
    expect(render("{{ value | tojson(separators=(',', ':'), sort_keys=true) }}", { value })).toBe('{"a":[1,2],"b":"é"}');
    expect(render('{{ value | tojson(ensure_ascii=true) }}', { value: '👋é' })).toBe('"\\ud83d\\udc4b\\u00e9"');
  });

  it('rejects what Python cannot serialise', () => {
    const error = renderError(() => render('{{ missing | tojson }}'));
    expect(error.message).toBe('Object of type Undefined is not JSON serializable');
    expect(error.pythonType).toBe('TypeError');
  });

  it('formats floats with Python repr rules', () => {
    expect(pythonJsonDumps([0.1, 1e-5, 0.0001, 1.5e16, -2.25, 1e100 / 3])).toBe(
      '[0.1, 1e-05, 0.0001, 1.5e+16, -2.25, 3.333333333333333e+99]',
    );
    expect(pythonJsonDumps([NaN, Infinity, -Infinity])).toBe('[NaN, Infinity, -Infinity]');
  });
});

describe('raise_exception and errors', () => {
  const context: ChatTemplateContext = { messages: [], add_generation_prompt: false, bos_token: '', eos_token: '' };

  it('throws ChatTemplateError carrying the template message', () => {
    const template = compileChatTemplate("{{ raise_exception('Roles must alternate user/assistant!') }}");
    const error = renderError(() => template.render(context));
    expect(error).toBeInstanceOf(ChatTemplateError);
    expect(error.kind).toBe('raise_exception');
    expect(error.message).toBe('Roles must alternate user/assistant!');
    expect(error.pythonType).toBe('TemplateError');
  });

  it('reports templates that do not compile', () => {
    expect(() => compileChatTemplate('{% if x %}unclosed')).toThrow(ChatTemplateError);
    const error = (() => {
      try {
        compileChatTemplate('{% for %}');
      } catch (e) {
        return e as ChatTemplateError;
      }
      throw new Error('expected a compile error');
    })();
    expect(error.kind).toBe('compile');
    expect(error.message).toMatch(/^Invalid chat template: /);
  });

  it('rejects unknown filters and tests at compile time, as Jinja2 does', () => {
    expect(() => compileChatTemplate('{{ x | dump }}')).toThrow("No filter named 'dump'.");
    expect(() => compileChatTemplate('{{ x is frobnicated }}')).toThrow("No test named 'frobnicated'.");
  });

  it('wraps Python runtime errors with their Python message', () => {
    const template = compileChatTemplate("{{ 'a' + none }}");
    const error = renderError(() => template.render(context));
    expect(error.kind).toBe('render');
    expect(error.pythonType).toBe('TypeError');
    expect(error.message).toBe('can only concatenate str (not "NoneType") to str');
  });
});

describe('strftime_now', () => {
  const context: ChatTemplateContext = { messages: [], add_generation_prompt: false, bos_token: '', eos_token: '' };

  it('formats the injected clock with Python strftime directives', () => {
    const template = compileChatTemplate('{{ strftime_now("%d %b %Y, %A %H:%M:%S %p %j %-d") }}', {
      now: () => new Date(2024, 6, 6, 9, 5, 3),
    });
    expect(withSourceDateEpoch(0, () => template.render(context))).toBe('06 Jul 2024, Saturday 09:05:03 AM 188 6');
  });

  it('uses SOURCE_DATE_EPOCH (seconds, formatted in UTC) when set, so renders are reproducible', () => {
    const template = compileChatTemplate('{{ strftime_now("%Y-%m-%d %H:%M:%S %a %j|%Z|%z") }}');
    expect(withSourceDateEpoch(1721995200, () => template.render(context))).toBe('2024-07-26 12:00:00 Fri 208||');
    expect(withSourceDateEpoch(0, () => template.render(context))).toBe('1970-01-01 00:00:00 Thu 001||');
  });

  it('rejects a SOURCE_DATE_EPOCH that is not an integer', () => {
    const template = compileChatTemplate('{{ strftime_now("%Y") }}');
    const error = withSourceDateEpoch('yesterday', () => renderError(() => template.render(context)));
    expect(error.pythonType).toBe('ValueError');
    expect(error.message).toContain('SOURCE_DATE_EPOCH');
  });
});

describe('parsePythonJson (Python json.loads semantics for template inputs)', () => {
  const render = (source: string, variables: Record<string, unknown>): string =>
    compileChatTemplate(source).render({ messages: [], add_generation_prompt: false, bos_token: '', eos_token: '', ...variables });

  it('keeps floats floats and object keys in written order, where JSON.parse loses both', () => {
    const text = '{"b": 1.0, "10": [2, 2e3, -0.5], "a": {"2": null, "1": true}}';
    expect(render('{{ x }}|{{ x | tojson }}', { x: parsePythonJson(text) })).toBe(
      "{'b': 1.0, '10': [2, 2000.0, -0.5], 'a': {'2': None, '1': True}}|" +
        '{"b": 1.0, "10": [2, 2000.0, -0.5], "a": {"2": null, "1": true}}',
    );
    expect(render('{{ x | tojson }}', { x: JSON.parse(text) as unknown })).toBe(
      '{"10": [2, 2000, -0.5], "b": 1, "a": {"1": true, "2": null}}',
    );
  });

  it('accepts NaN and Infinity and decodes escapes as Python does', () => {
    expect(render('{{ x }}', { x: parsePythonJson('[NaN, Infinity, -Infinity, "\\u00e9\\n\\ud83d\\ude00"]') })).toBe(
      "[nan, inf, -inf, 'é\\n😀']",
    );
  });

  it("raises Python's JSONDecodeError messages", () => {
    expect(() => parsePythonJson('[1,')).toThrow('Expecting value: line 1 column 4 (char 3)');
    expect(() => parsePythonJson('{"a" 1}')).toThrow("Expecting ':' delimiter: line 1 column 6 (char 5)");
    expect(() => parsePythonJson('{"a": 1}\n x')).toThrow('Extra data: line 2 column 2 (char 10)');
  });
});
