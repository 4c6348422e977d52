/**
 * Where a chat-template failure happened:
 * - `compile`: the template source is not valid Jinja (or uses an unknown filter/test);
 * - `raise_exception`: the template called `raise_exception(message)` — `message` is the template's own text;
 * - `render`: any other failure while rendering (Python-equivalent TypeError, UndefinedError, …).
 */
export type ChatTemplateErrorKind = 'compile' | 'raise_exception' | 'render';

/** Optional details attached to a {@link ChatTemplateError}. */
export interface ChatTemplateErrorDetails {
  /**
   * Name of the exception Python Jinja2 raises in the same situation (`TemplateError` for
   * `raise_exception`, `TypeError`, `UndefinedError`, `SecurityError`, …), when known.
   */
  pythonType?: string;
  /** 1-based template line of a compile error, when known. */
  line?: number;
  /** 1-based template column of a compile error, when known. */
  column?: number;
  /** The underlying error, if this one wraps another. */
  cause?: unknown;
}

/**
 * The only error type thrown by `compileChatTemplate` and `ChatTemplate.render`.
 *
 * For `raise_exception` and `render` errors, `message` is exactly what Python prints for the
 * equivalent exception (for `raise_exception`, the template's own message, as transformers'
 * `TemplateError` carries it); the Python exception name lives in `pythonType` so the message
 * stays comparable. `compile` errors describe the syntax problem in Nunjucks' words (prefixed
 * `Invalid chat template: `), except unknown filters/tests, which use Jinja2's wording.
 */
export class ChatTemplateError extends Error {
  override readonly name = 'ChatTemplateError';
  readonly kind: ChatTemplateErrorKind;
  readonly pythonType: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(kind: ChatTemplateErrorKind, message: string, details: ChatTemplateErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.pythonType = details.pythonType;
    this.line = details.line;
    this.column = details.column;
  }
}

/** A render-time error mirroring a Python exception of type `pythonType`. */
export function pythonError(pythonType: string, message: string): ChatTemplateError {
  return new ChatTemplateError('render', message, { pythonType });
}
