import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { ChatTemplateError, compileChatTemplate } from './chat-template';

const FIXTURES = resolve(__dirname, '../../test/fixtures/chat-templates');

/** A small template exercising one feature, with its own variables. */
interface FeatureCase {
  name: string;
  template: string;
  variables: Record<string, unknown>;
}

type ExpectedCase = { output: string } | { error: { type: string; message: string } };

interface Reference {
  source_date_epoch: number;
  cases: Record<string, ExpectedCase>;
}

function run(feature: FeatureCase, epoch: number): ExpectedCase {
  const previous = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = String(epoch);
  try {
    const template = compileChatTemplate(feature.template);
    return {
      output: template.render({ messages: [], add_generation_prompt: false, bos_token: '', eos_token: '', ...feature.variables }),
    };
  } catch (error) {
    if (!(error instanceof ChatTemplateError)) throw error;
    return { error: { type: error.pythonType ?? 'unknown', message: error.message } };
  } finally {
    if (previous === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = previous;
  }
}

/**
 * One test per case of `fixture` (its cases under `key`), compared with `expected/<fixture>`.
 * `knownGaps` maps case names that do not match Python Jinja2 yet to the reason; they run as
 * `it.failing` and must leave the list once they pass.
 */
function describeFeatureCases(title: string, fixture: string, key: string, knownGaps: Record<string, string>): void {
  const cases = (JSON.parse(readFileSync(join(FIXTURES, fixture), 'utf8')) as Record<string, FeatureCase[]>)[key];
  const reference = JSON.parse(readFileSync(join(FIXTURES, 'expected', fixture), 'utf8')) as Reference;

  describe(title, () => {
    it('has a reference for every case', () => {
      expect(Object.keys(reference.cases).sort()).toEqual(cases.map((c) => c.name).sort());
    });

    for (const feature of cases) {
      const gap = knownGaps[feature.name];
      const test = gap === undefined ? it : it.failing;
      test(gap === undefined ? feature.name : `${feature.name} — known gap: ${gap}`, () => {
        expect(run(feature, reference.source_date_epoch)).toEqual(reference.cases[feature.name]);
      });
    }
  });
}

describeFeatureCases('Jinja2 compatibility snippets match Python Jinja2 (transformers environment)', 'snippets.json', 'snippets', {
  'big-integers': 'JS numbers are doubles: integers beyond 2**53 lose digits and print as floats (Python ints are unbounded)',
});

describeFeatureCases(
  "llama.cpp's tests/test-jinja.cpp micro-tests match Python Jinja2 (transformers environment)",
  'llama-cpp-jinja-tests.json',
  'tests',
  {},
);
