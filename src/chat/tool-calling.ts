import { CompletionRequest } from '../llama/completion-types';
import { FormatContext, GrammarBuilder, GrammarTrigger, ToolFormat } from '../tool-formats/tool-format';
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

/**
 * Prepares tool calling for one request whose `tool_choice` is not `none`: the format's grammar
 * and lazy triggers as `/completion` fields, and the argument checks.
 *
 * @throws whatever the grammar builder or validator factory throws for a tool schema they refuse
 */
export function prepareToolCalling(
  format: ToolFormat,
  request: ToolRequest & { choice: Exclude<ToolRequest['choice'], { mode: 'none' }> },
  prompt: string,
  builder: GrammarBuilder,
  validatorFor: SchemaValidatorFactory,
): ToolCalling {
  const context: FormatContext = { prompt };
  const constraints = format.constraints(request.tools, request.choice, request.parallel, builder, context);
  const validators = new Map(request.tools.map((tool) => [tool.name, validatorFor(tool.parameters)]));
  return {
    format,
    context,
    fields: {
      grammar: constraints.grammar,
      grammar_lazy: constraints.grammarLazy,
      grammar_triggers: constraints.grammarTriggers.map((trigger) => ({
        type: TRIGGER_TYPES[trigger.type],
        value: trigger.value,
      })),
      preserved_tokens: constraints.preservedTokens,
    },
    check: (name, argumentsText) => {
      const validate = validators.get(name);
      if (!validate) throw new Error(`the model called '${name}', which is not among the tools`);
      const error = validate(JSON.parse(argumentsText));
      if (error) throw new Error(`arguments of '${name}' do not match its parameters: ${error}`);
    },
  };
}
