import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import {
  GbnfBuilder,
  GrammarCache,
  InvalidSchemaError,
  JsonValidator,
  SchemaConversionError,
} from '../grammar';
import { ChatCompletionRequest } from '../openai/chat-completion.types';
import { CHAT_OBSERVER, ChatObserver } from './chat-observer';

/** What a request asks of the output's shape, resolved for one completion. */
export interface OutputConstraint {
  /** GBNF for llama-server's `/completion` `grammar` field. */
  grammar: string;
  /** JSON Schema the finished content must satisfy (absent for a raw `grammar`). */
  schema?: unknown;
  /** True when objects leaving `additionalProperties` out get `false` (OpenAI's `strict`). */
  strict?: boolean;
}

/** Generated JSON that fails its schema: a bug of the converter, never the client's fault. */
export class StructuredOutputViolation extends Error {
  override readonly name = 'StructuredOutputViolation';
}

/** Any JSON object (`response_format: {"type":"json_object"}`). */
const JSON_OBJECT_GRAMMAR = new GbnfBuilder().build('object');
const JSON_OBJECT_SCHEMA = { type: 'object' };

/**
 * Structured output of a chat request (OpenAI Chat Completions `response_format`; llama.cpp's own
 * request fields `grammar` and `json_schema`, tools/server/README.md): the grammar sent upstream
 * and the check of the finished content. Grammars and validators are cached per distinct schema.
 */
@Injectable()
export class StructuredOutputService {
  private readonly logger = new Logger('StructuredOutput');
  private readonly grammars: GrammarCache;
  private readonly validator = new JsonValidator();

  constructor(@Optional() @Inject(CHAT_OBSERVER) observer?: ChatObserver) {
    this.grammars = new GrammarCache(undefined, observer && ((hit) => observer.grammarCacheLookup(hit)));
  }

  /**
   * The constraint a request asks for, if any:
   * - `response_format: {"type":"text"}` or nothing: none;
   * - `{"type":"json_object"}`: any JSON object (with llama.cpp's extension `schema`: that schema);
   * - `{"type":"json_schema","json_schema":{"name","schema","strict","description"}}`: the schema,
   *   with `additionalProperties` defaulting to false when `strict` is true (OpenAI's strict mode)
   *   and to true otherwise (the JSON Schema spec);
   * - llama.cpp's `json_schema` field: that schema; `grammar`: raw GBNF passed through unchecked.
   *
   * @throws ApiError `invalid_schema` (400, ajv's message) for an invalid schema,
   *   `unsupported_schema` (400, naming keyword and JSON Pointer) for a schema that cannot be
   *   enforced exactly, `invalid_request` when `grammar` is combined with a JSON response format
   */
  constraintFor(
    request: Pick<ChatCompletionRequest, 'response_format' | 'grammar' | 'json_schema'>,
  ): OutputConstraint | undefined {
    const format = request.response_format;
    const wantsJson = format !== undefined && format !== null && format.type !== 'text';
    if (typeof request.grammar === 'string' && (wantsJson || request.json_schema !== undefined)) {
      throw new ApiError(
        'invalid_request',
        "'grammar' cannot be combined with a JSON 'response_format' or 'json_schema'.",
        'grammar',
      );
    }
    if (typeof request.grammar === 'string') return { grammar: request.grammar };
    if (format?.type === 'json_schema') {
      const spec = format.json_schema as { schema?: unknown; strict?: boolean | null } | undefined;
      return this.forSchema(spec?.schema ?? {}, spec?.strict === true, 'response_format.json_schema.schema');
    }
    if (format?.type === 'json_object') {
      if (format.schema !== undefined) return this.forSchema(format.schema, false, 'response_format.schema');
      return { grammar: JSON_OBJECT_GRAMMAR, schema: JSON_OBJECT_SCHEMA, strict: false };
    }
    if (request.json_schema !== undefined && request.json_schema !== null) {
      return this.forSchema(request.json_schema, false, 'json_schema');
    }
    return undefined;
  }

  /**
   * Checks finished content against the constraint's schema (raw grammars are not checked).
   *
   * @throws StructuredOutputViolation when the content is not valid JSON for the schema
   */
  validate(constraint: OutputConstraint, content: string): void {
    if (constraint.schema === undefined) return;
    const result = this.validator.validateText(constraint.schema, content);
    if (result.valid) return;
    this.logger.error(`generated JSON failed its schema (${result.errors}): ${content.slice(0, 500)}`);
    throw new StructuredOutputViolation(`generated JSON failed its schema: ${result.errors}`);
  }

  private forSchema(schema: unknown, strict: boolean, param: string): OutputConstraint {
    try {
      this.validator.compile(schema);
      const grammar = this.grammars.get(schema, { additionalPropertiesDefault: !strict });
      return { grammar, schema, strict };
    } catch (error) {
      if (error instanceof InvalidSchemaError) {
        throw new ApiError('invalid_schema', `Invalid schema for '${param}': ${error.message}`, param);
      }
      if (error instanceof SchemaConversionError) {
        throw new ApiError(
          'unsupported_schema',
          `The schema in '${param}' cannot be enforced exactly: ${error.message}`,
          param,
        );
      }
      throw error;
    }
  }
}
