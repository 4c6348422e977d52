import { ApiError } from '../errors/api-error';

/**
 * Deepest nesting of objects and arrays a request body may have. JSON Schemas, templates and
 * validators downstream recurse once per level (or more), so a deeper body could exhaust the stack;
 * real requests stay far below (OpenAI's structured outputs allow 10 schema levels).
 */
export const MAX_BODY_DEPTH = 128;

/**
 * Checks what JSON Schema cannot express about a parsed request body, iteratively (no recursion,
 * whatever the body): nesting at most `maxDepth` levels, and every string — values and keys — well
 * formed UTF-16 (no lone surrogate such as `"\ud800"`, which llama-server's JSON parser rejects).
 *
 * @throws ApiError 400 `invalid_request` naming the offending field (`param`, e.g.
 *   `messages[0].content`)
 */
export function checkBodyShape(body: unknown, maxDepth = MAX_BODY_DEPTH): void {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (!isWellFormed(value)) throw malformedString(path);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) {
      throw new ApiError('invalid_request', `The request nests deeper than ${maxDepth} levels at '${path}'.`, path || null);
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      if (!isWellFormed(key)) throw malformedString(itemPath);
      pending.push({ value: item, path: itemPath, depth: depth + 1 });
    }
  }
}

function malformedString(path: string): ApiError {
  return new ApiError(
    'invalid_value',
    `Invalid value for '${path || 'body'}': the string contains a lone UTF-16 surrogate (not Unicode text).`,
    path || null,
  );
}

/** `String.prototype.isWellFormed` (ES2024, Node ≥ 20), typed for our ES2022 lib. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}
