/**
 * OpenAI's prompt forms (Completions `prompt`, Embeddings `input`) as a list of prompts: a string
 * or one token-id array is one prompt; an array of strings or of token-id arrays is several.
 */
export function promptsOf(prompt: string | string[] | number[] | number[][]): Array<string | number[]> {
  if (typeof prompt === 'string') return [prompt];
  if (prompt.every((item): item is number => typeof item === 'number')) return [prompt as number[]];
  return prompt as Array<string | number[]>;
}
