/** One reason a JSON Schema cannot be turned into a grammar that enforces it exactly. */
export interface SchemaIssue {
  /** The keyword at fault (`pattern`, `uniqueItems`, `$ref`, …). */
  keyword: string;
  /** JSON Pointer (RFC 6901) of the schema object holding the keyword; `''` is the root. */
  pointer: string;
  /** What is wrong, for a person. */
  message: string;
}

/**
 * Thrown when a schema is refused: it uses a keyword or a combination the converter cannot enforce
 * exactly, or a keyword value is invalid. Carries every issue found, not only the first.
 */
export class SchemaConversionError extends Error {
  override readonly name = 'SchemaConversionError';

  constructor(readonly issues: SchemaIssue[]) {
    super(issues.map(formatIssue).join('; '));
  }
}

/** `'<keyword>' at '<pointer>': <message>` — one line naming keyword and pointer. */
export function formatIssue(issue: SchemaIssue): string {
  return `'${issue.keyword}' at '${issue.pointer}': ${issue.message}`;
}

/** RFC 6901 JSON Pointer of `parent` extended by one reference token. */
export function childPointer(parent: string, token: string | number): string {
  return `${parent}/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
