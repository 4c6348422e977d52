import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { ChatTemplate, ChatTemplateContext, ChatTemplateError, ChatTemplateMessage, compileChatTemplate } from './chat-template';
import { pythonJsonDumps } from './python-json';

const REPO_ROOT = resolve(__dirname, '../..');
const FIXTURES = join(REPO_ROOT, 'test/fixtures/chat-templates');

interface TemplateSpec {
  name: string;
  path: string;
  bos_token: string;
  eos_token: string;
}

interface Conversation {
  name: string;
  messages: ChatTemplateMessage[];
  tools?: unknown[];
  add_generation_prompt: boolean;
  extra?: Record<string, unknown>;
}

type ExpectedCase = { output: string } | { error: { type: string; message: string } };

interface Reference {
  template: string;
  compile_error?: { type: string; message: string };
  cases: Record<string, ExpectedCase>;
}

const fixture = JSON.parse(readFileSync(join(FIXTURES, 'conversations.json'), 'utf8')) as {
  templates: TemplateSpec[];
  conversations: Conversation[];
};

/**
 * Template × conversation pairs whose rendering does not match Python Jinja2 yet, with the
 * reason. Their tests run as `it.failing`: when one starts to match, its test fails until the
 * entry is removed from this list.
 */
const KNOWN_GAPS: Record<string, string> = {};

function readReference(name: string): Reference {
  return JSON.parse(readFileSync(join(FIXTURES, 'expected', `${name}.json`), 'utf8')) as Reference;
}

function contextFor(spec: TemplateSpec, conversation: Conversation): ChatTemplateContext {
  return {
    ...conversation.extra,
    messages: conversation.messages,
    ...(conversation.tools === undefined ? {} : { tools: conversation.tools }),
    add_generation_prompt: conversation.add_generation_prompt,
    bos_token: spec.bos_token,
    eos_token: spec.eos_token,
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

describe('chat templates render byte-identically to Python Jinja2 (transformers)', () => {
  for (const spec of fixture.templates) {
    describe(spec.name, () => {
      const reference = readReference(spec.name);
      let compiled: ChatTemplate | undefined;
      const template = (): ChatTemplate => {
        compiled ??= compileChatTemplate(readFileSync(join(REPO_ROOT, spec.path), 'utf8'), { name: spec.name });
        return compiled;
      };

      it('has a reference for every conversation', () => {
        expect(reference.compile_error).toBeUndefined();
        expect(Object.keys(reference.cases).sort()).toEqual(fixture.conversations.map((c) => c.name).sort());
      });

      for (const conversation of fixture.conversations) {
        const expected = reference.cases[conversation.name];
        const gap = KNOWN_GAPS[`${spec.name}/${conversation.name}`];
        const title = `${conversation.name}${'error' in expected ? ' (raises)' : ''}`;
        const run = gap === undefined ? it : it.failing;
        run(gap === undefined ? title : `${title} — known gap: ${gap}`, () => {
          const render = () => template().render(contextFor(spec, conversation));
          if ('output' in expected) {
            expect(render()).toBe(expected.output);
          } else {
            const error = renderError(render);
            expect({ type: error.pythonType, message: error.message }).toEqual(expected.error);
            expect(error.kind).toBe(expected.error.type === 'TemplateError' ? 'raise_exception' : 'render');
          }
        });
      }
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
  it('formats the injected clock with Python strftime directives', () => {
    const template = compileChatTemplate('{{ strftime_now("%d %b %Y, %A %H:%M:%S %p %j %-d") }}', {
      now: () => new Date(2024, 6, 6, 9, 5, 3),
    });
    expect(template.render({ messages: [], add_generation_prompt: false, bos_token: '', eos_token: '' })).toBe(
      '06 Jul 2024, Saturday 09:05:03 AM 188 6',
    );
  });
});
