import {
  contentBefore,
  jsonValueEnd,
  matchLiteral,
  matchTokens,
  readCallHead,
  readJsonCall,
  readJsonCalls,
  readJsonString,
} from './json-scan';

describe('json-scan', () => {
  it('matches literals and JSON tokens, telling a prefix from a mismatch', () => {
    expect(matchLiteral('<tool_call>x', 0, '<tool_call>')).toBe(11);
    expect(matchLiteral('<tool_c', 0, '<tool_call>')).toBe('partial');
    expect(matchLiteral('<tool_x', 0, '<tool_call>')).toBe('mismatch');
    expect(matchTokens('{ "name" :', 0, ['{', '"name"', ':'])).toBe(10);
    expect(matchTokens('{ "na', 0, ['{', '"name"', ':'])).toBe('partial');
    expect(matchTokens('{ \n', 0, ['{', '"name"'])).toBe('partial');
    expect(matchTokens('{ "id"', 0, ['{', '"name"'])).toBe('mismatch');
  });

  it('finds where a JSON value ends, past escapes and brackets inside strings', () => {
    expect(jsonValueEnd('{"a": "}\\"]", "b": [{}]} tail', 0)).toBe(24);
    expect(jsonValueEnd(' "a\\\\" tail', 0)).toBe(6);
    expect(jsonValueEnd('"a\\\\\\" tail', 0)).toBeUndefined();
    expect(jsonValueEnd('"\\', 0)).toBeUndefined();
    expect(jsonValueEnd('{"a": "}', 0)).toBeUndefined();
    expect(jsonValueEnd('[[1, 2], [3]', 0)).toBeUndefined();
    expect(jsonValueEnd('-1.5e3,', 0)).toBe(6);
    expect(jsonValueEnd('-1.5', 0)).toBeUndefined();
  });

  it('reads complete JSON strings only', () => {
    expect(readJsonString(' "a\\"b\\u00e9"', 0)).toEqual({ value: 'a"bé', end: 13 });
    expect(readJsonString('"abc', 0)).toBe('partial');
    expect(readJsonString('  ', 0)).toBe('partial');
    expect(readJsonString('abc', 0)).toBe('mismatch');
    expect(readJsonString('"a\\x"', 0)).toBe('mismatch');
  });

  it('reads the head of a call object', () => {
    expect(readCallHead('{"name": "f", "arguments": {}', 0, 'arguments')).toEqual({ name: 'f', argumentsStart: 27 });
    expect(readCallHead('{"name": "f", "argu', 0, 'arguments')).toBe('partial');
    expect(readCallHead('{"name": "f", "parameters": {}', 0, 'arguments')).toBe('mismatch');
  });

  it('reads call objects with an optional id, and arrays of them', () => {
    expect(readJsonCall('{"name": "f", "arguments": {"a": [1]}, "id": "x"} tail', 0, 'arguments', 'id')).toEqual({
      state: 'done',
      call: { name: 'f', arguments: '{"a": [1]}', id: 'x' },
      end: 49,
    });
    expect(readJsonCall('{"name": "f", "arguments": {"a": [1', 0, 'arguments')).toEqual({
      state: 'open',
      call: { name: 'f', arguments: '{"a": [1' },
    });
    expect(readJsonCall('{"nam', 0, 'arguments')).toEqual({ state: 'unnamed' });
    const array = '[{"name": "f", "arguments": {}}, {"name": "g", "arguments": {"b"';
    expect(readJsonCalls(array, 0, false, 'arguments')).toEqual({
      toolCalls: [
        { name: 'f', arguments: '{}' },
        { name: 'g', arguments: '{"b"' },
      ],
      truncatedCall: false,
    });
    expect(readJsonCalls(array, 0, true, 'arguments')).toEqual({
      toolCalls: [{ name: 'f', arguments: '{}' }],
      truncatedCall: true,
    });
  });

  it('splits content before a marker, holding back what may start it while streaming', () => {
    expect(contentBefore('Hi \n[TOOL_CALLS][', 0, '[TOOL_CALLS]', false)).toEqual({ content: 'Hi', markerAt: 4 });
    expect(contentBefore('Hi [TOOL_', 0, '[TOOL_CALLS]', false)).toEqual({ content: 'Hi', markerAt: -1 });
    expect(contentBefore('Hi [TOOL_', 0, '[TOOL_CALLS]', true)).toEqual({ content: 'Hi [TOOL_', markerAt: -1 });
  });
});
