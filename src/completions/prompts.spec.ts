import { promptsOf } from './prompts';

describe("OpenAI's prompt forms", () => {
  it.each([
    ['a string', 'hi', ['hi']],
    ['strings', ['a', 'b'], ['a', 'b']],
    ['one token array', [1, 2, 3], [[1, 2, 3]]],
    ['token arrays', [[1], [2, 3]], [[1], [2, 3]]],
  ])('reads %s', (_name, prompt, expected) => {
    expect(promptsOf(prompt)).toEqual(expected);
  });
});
