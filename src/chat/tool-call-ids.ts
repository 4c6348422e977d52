import { createHash, randomInt } from 'node:crypto';

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

/**
 * `id` as an id of exactly `length` alphanumerics: unchanged when it already is one, else derived
 * from its SHA-256, so the same id always maps to the same result (an assistant call and the tool
 * result answering it stay paired). For clients' `call_…` ids sent to Mistral templates.
 */
export function toolCallIdOfLength(id: string, length: number): string {
  if (id.length === length && /^[A-Za-z0-9]*$/.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let out = '';
  for (let index = 0; index < length; index++) out += ALPHANUMERIC[digest[index % digest.length] % ALPHANUMERIC.length];
  return out;
}
