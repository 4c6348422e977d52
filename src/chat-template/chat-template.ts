/**
 * Chat-template rendering with byte-identical output to Hugging Face transformers'
 * `apply_chat_template` (Python Jinja2), on Node: templates are compiled once with Nunjucks
 * driven as a Jinja2 front end (see `nunjucks-jinja-compiler.ts`) and rendered per request.
 */
import * as nunjucks from 'nunjucks';
import { createJinjaEnvironment } from './jinja-environment';
import { compileJinjaTemplate, renderJinjaTemplate } from './nunjucks-jinja-compiler';

export { ChatTemplateError } from './chat-template-error';
export type { ChatTemplateErrorDetails, ChatTemplateErrorKind } from './chat-template-error';
export { parsePythonJson, PythonJsonDecodeError } from './python-json';

/** One tool call of an assistant message, OpenAI-shaped. */
export interface ChatTemplateToolCall {
  id?: string;
  type?: string;
  function: {
    name: string;
    /** An object, as transformers expects (callers convert OpenAI's JSON strings first). */
    arguments: unknown;
  };
}

/**
 * A chat message as OpenAI sends it. Any other field present on the object (e.g.
 * `reasoning_content`) reaches the template too.
 */
export interface ChatTemplateMessage {
  role: string;
  content?: string | null;
  tool_calls?: ChatTemplateToolCall[];
  tool_call_id?: string;
  name?: string;
}

/**
 * The variables a chat template is rendered with, as transformers' `render_jinja_template` passes
 * them: `messages`, `tools` (`None` when absent), `add_generation_prompt`, the tokenizer's
 * `bos_token`/`eos_token`, plus any extra template variables (e.g. `enable_thinking`).
 * `documents` is `None` unless given.
 */
export interface ChatTemplateContext {
  messages: ChatTemplateMessage[];
  tools?: unknown[];
  add_generation_prompt: boolean;
  bos_token: string;
  eos_token: string;
  [extra: string]: unknown;
}

/** A compiled chat template; compile once, render for every request. */
export interface ChatTemplate {
  /** The Jinja source the template was compiled from. */
  readonly source: string;
  /**
   * Renders the prompt for `context`, byte-identical to Python Jinja2 under transformers.
   * Inputs are not modified.
   * @throws ChatTemplateError kind `raise_exception` (message = the template's own) when the
   *   template calls `raise_exception`; kind `render` for any other failure, with the message
   *   Python would give (e.g. `can only concatenate str (not "NoneType") to str`).
   */
  render(context: ChatTemplateContext): string;
}

/** Options for {@link compileChatTemplate}. */
export interface CompileChatTemplateOptions {
  /** Name used in error locations (e.g. the model file). */
  name?: string;
  /**
   * Clock for the `strftime_now` global, formatted in local time. Default: the instant in the
   * environment variable `SOURCE_DATE_EPOCH` (seconds, formatted in UTC) when set, so that renders
   * are reproducible; else the current local time.
   */
  now?: () => Date;
}

class CompiledChatTemplate implements ChatTemplate {
  constructor(
    readonly source: string,
    private readonly template: nunjucks.Template,
  ) {}

  render(context: ChatTemplateContext): string {
    return renderJinjaTemplate(this.template, {
      documents: null,
      ...context,
      tools: context.tools ?? null,
    });
  }
}

/**
 * Compiles a Jinja2 chat template (e.g. a GGUF's `tokenizer.chat_template`) in an environment
 * equivalent to transformers' `_compile_jinja_template` (chat_template_utils.py): sandboxed
 * Jinja2 semantics, `trim_blocks` and `lstrip_blocks`, autoescape off, `tojson` as Python
 * `json.dumps(ensure_ascii=False)`, `raise_exception`, `strftime_now`, `namespace`,
 * `loopcontrols` and `{% generation %}`.
 * @throws ChatTemplateError kind `compile` when the source is not valid Jinja2 or uses a filter
 *   or test that does not exist (or that this renderer does not support yet).
 */
export function compileChatTemplate(source: string, options: CompileChatTemplateOptions = {}): ChatTemplate {
  const env = createJinjaEnvironment({ now: options.now });
  return new CompiledChatTemplate(source, compileJinjaTemplate(env, source, options.name ?? 'chat_template'));
}
