import { GbnfBuilder, JsonValidator } from '../grammar';
import { FORMATS } from '../tool-formats';
import { ToolSpec } from '../tool-formats/tool-format';
import { SchemaValidatorFactory, ToolCallingPreparer } from './tool-calling';

const TOOLS: ToolSpec[] = [
  {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 10 } }, required: ['city'] },
  },
];
const REQUEST = { tools: TOOLS, choice: { mode: 'required' as const }, parallel: false };

function preparer(maxChars?: number) {
  const builds = { count: 0 };
  const validator = new JsonValidator();
  const validatorFor: SchemaValidatorFactory = (schema) => {
    validator.compile(schema);
    return (value) => validator.errorsOf(schema, value);
  };
  const newBuilder = () => {
    builds.count++;
    return new GbnfBuilder();
  };
  return { builds, preparer: new ToolCallingPreparer(newBuilder, validatorFor, 256, maxChars) };
}

describe('ToolCallingPreparer', () => {
  it('builds a grammar once per distinct tools and choice, whatever the key order', () => {
    const { builds, preparer: tools } = preparer();
    const first = tools.prepare(FORMATS.hermes, REQUEST, 'prompt one');
    const reordered = { parallel: false, choice: { mode: 'required' as const }, tools: [{ ...TOOLS[0] }] };
    const second = tools.prepare(FORMATS.hermes, reordered, 'prompt two');
    expect(second.fields).toBe(first.fields);
    tools.prepare(FORMATS.hermes, { ...REQUEST, parallel: true }, 'prompt one');
    expect(builds.count).toBe(2);
  });

  it('keeps grammars only up to a total length', () => {
    const { builds, preparer: tools } = preparer(1);
    tools.prepare(FORMATS.hermes, REQUEST, 'p');
    tools.prepare(FORMATS.hermes, REQUEST, 'p');
    expect(builds.count).toBe(2);
  });

  it("keys reasoning formats' grammars by the think state of the prompt", () => {
    const { preparer: tools } = preparer();
    const open = tools.prepare(FORMATS.deepseekR1, REQUEST, '<｜Assistant｜><think>\n');
    const closed = tools.prepare(FORMATS.deepseekR1, REQUEST, '<｜Assistant｜><think>\n\n</think>\n\n');
    const openAgain = tools.prepare(FORMATS.deepseekR1, REQUEST, 'other turn<｜Assistant｜><think>\n');
    expect(closed.fields.grammar).not.toBe(open.fields.grammar);
    expect(openAgain.fields).toBe(open.fields);
  });

  it('constrains an answer beside auto calls from the first token, strictly when asked', () => {
    const { preparer: tools } = preparer();
    const schema = { type: 'object', properties: { a: { type: 'integer' } } };
    const auto = { ...REQUEST, choice: { mode: 'auto' as const } };
    const lazy = tools.prepare(FORMATS.hermes, auto, 'p');
    const open = tools.prepare(FORMATS.hermes, auto, 'p', { schema, strict: false });
    const strict = tools.prepare(FORMATS.hermes, auto, 'p', { schema, strict: true });
    expect(lazy.fields.grammar_lazy).toBe(true);
    expect(open.fields.grammar_lazy).toBe(false);
    expect(strict.fields.grammar).not.toBe(open.fields.grammar);
  });

  it("closes a strict tool's objects (additionalProperties false where left out)", () => {
    const { preparer: tools } = preparer();
    const open = tools.prepare(FORMATS.hermes, REQUEST, 'p');
    const strict = tools.prepare(FORMATS.hermes, { ...REQUEST, tools: [{ ...TOOLS[0], strict: true }] }, 'p');
    expect(strict.fields.grammar).not.toBe(open.fields.grammar);
    expect(strict.fields.grammar?.length).toBeLessThan(open.fields.grammar?.length ?? 0);
  });

  it('checks arguments against the called tool', () => {
    const { preparer: tools } = preparer();
    const { check } = tools.prepare(FORMATS.hermes, REQUEST, 'p');
    expect(() => check('get_weather', '{"city":"Oslo"}')).not.toThrow();
    expect(() => check('get_weather', '{"city":"a very long city"}')).toThrow(/do not match its parameters/);
    expect(() => check('get_time', '{}')).toThrow(/not among the tools/);
  });
});
