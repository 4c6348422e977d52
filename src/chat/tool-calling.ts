import { CompletionRequest } from '../llama/completion-types';
import { LRUCache } from 'lru-cache';
import { canonicalHash } from '../grammar/canonical-json';
import { FormatContext, GrammarBuilder, GrammarTrigger, ToolConstraints, ToolFormat } from '../tool-formats/tool-format';
import { ArgumentsCheck } from './tool-output';
import { ToolRequest } from './tool-choice';

/** llama.cpp's `common_grammar_trigger_type` values, as `/completion` expects them (common/common.h). */
const TRIGGER_TYPES: Record<GrammarTrigger['type'], number> = { word: 1, pattern: 2, pattern_full: 3 };

/** Everything one request needs to call tools in the model's format. */
export interface ToolCalling {
  format: ToolFormat;
  context: FormatContext;
  /** `/completion` fields constraining generation (per llama.cpp tools/server/server-schema.cpp). */
  fields: Pick<CompletionRequest, 'grammar' | 'grammar_lazy' | 'grammar_triggers' | 'preserved_tokens'>;
  /** Validates a finished call's arguments against its tool's `parameters`. */
  check: ArgumentsCheck;
}

/** Compiles a JSON Schema into a validator returning an error message, or `undefined` when valid. */
export type SchemaValidatorFactory = (schema: unknown) => (value: unknown) => string | undefined;

/** A JSON answer constrained beside the tools (`response_format` with `tool_choice: "auto"`). */
export interface AnswerConstraint {
  schema: unknown;
  /** `additionalProperties` defaults to false (OpenAI's `strict`). */
  strict: boolean;
}

/**
 * Prepares tool calling for requests whose `tool_choice` is not `none`: the format's grammar and
 * lazy triggers as `/completion` fields, and the argument checks. The fields are built once per
 * distinct (format, tools, choice, parallel, answer, what of the prompt the format's grammar reads)
 * and kept in an LRU (npm `lru-cache`, bounded in entries and in the grammars' total length);
 * argument validators are compiled once per schema by `validatorFor`.
 */
export class ToolCallingPreparer {
  private readonly fields: LRUCache<string, ToolCalling['fields']>;

  /**
   * @param newBuilder makes a GBNF builder for one grammar
   * @param validatorFor compiles a tool's `parameters` into a check (cached by the factory)
   * @param max number of grammars kept
   * @param maxChars total length of the grammars kept, in characters (a longer one is not kept)
   */
  constructor(
    private readonly newBuilder: () => GrammarBuilder,
    private readonly validatorFor: SchemaValidatorFactory,
    max = 256,
    maxChars = 32 * 2 ** 20,
  ) {
    this.fields = new LRUCache({ max, maxSize: maxChars, sizeCalculation: (fields) => Math.max(1, fields.grammar?.length ?? 0) });
  }

  /**
   * Tool calling for one request rendered as `prompt`; with `answer`, a final answer that is not a
   * call must match its schema (and the grammar is then not lazy).
   *
   * @throws whatever the grammar builder or validator factory throws for a schema they refuse
   */
  prepare(
    format: ToolFormat,
    request: ToolRequest & { choice: Exclude<ToolRequest['choice'], { mode: 'none' }> },
    prompt: string,
    answer?: AnswerConstraint,
  ): ToolCalling {
    const context: FormatContext = { prompt };
    const { tools, choice, parallel } = request;
    const key = canonicalHash({ format: format.name, tools, choice, parallel, answer, prompt: format.grammarKey?.(context) });
    let fields = this.fields.get(key);
    if (!fields) {
      const builder = this.newBuilder();
      if (answer) {
        context.answerRule = builder.addSchema(answer.schema, 'answer', { additionalPropertiesDefault: !answer.strict });
      }
      fields = toFields(format.constraints(tools, choice, parallel, builder, context));
      this.fields.set(key, fields);
    }
    const validators = new Map(tools.map((tool) => [tool.name, this.validatorFor(tool.parameters)]));
    return {
      format,
      context,
      fields,
      check: (name, argumentsText) => {
        const validate = validators.get(name);
        if (!validate) throw new Error(`the model called '${name}', which is not among the tools`);
        const error = validate(JSON.parse(argumentsText));
        if (error) throw new Error(`arguments of '${name}' do not match its parameters: ${error}`);
      },
    };
  }
}

function toFields(constraints: ToolConstraints): ToolCalling['fields'] {
  return {
    grammar: constraints.grammar,
    grammar_lazy: constraints.grammarLazy,
    grammar_triggers: constraints.grammarTriggers.map((trigger) => ({
      type: TRIGGER_TYPES[trigger.type],
      value: trigger.value,
    })),
    preserved_tokens: constraints.preservedTokens,
  };
}
