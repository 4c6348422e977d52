import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new tool call id: `call_` and 24 random alphanumerics, as OpenAI's look; with `length` set,
 * exactly that many alphanumerics and no prefix (Mistral templates demand 9).
 */
export function newToolCallId(length?: number): string {
  const size = length ?? 24;
  let id = '';
  for (let index = 0; index < size; index++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return length === undefined ? `call_${id}` : id;
}
