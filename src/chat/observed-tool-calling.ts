import { ToolFormat } from '../tool-formats/tool-format';
import { ChatObserver } from './chat-observer';
import { ToolCalling } from './tool-calling';

/**
 * `calling` reporting each tool call's outcome to `observer` (for metrics): every finished call
 * is checked exactly once (`valid` when its arguments match its tool, else `invalid`), and the
 * final parse tells a call cut off by `max_tokens` (`truncated`). Without an observer, `calling`
 * itself.
 */
export function observedToolCalling(calling: ToolCalling, observer: ChatObserver | undefined): ToolCalling {
  if (!observer) return calling;
  const { format, check } = calling;
  const parse: ToolFormat['parse'] = (text, final, context) => {
    const message = format.parse(text, final, context);
    if (final && message.truncatedCall) observer.toolCalls(format.name, 'truncated', 1);
    return message;
  };
  return {
    ...calling,
    format: Object.assign(Object.create(format) as ToolFormat, { parse }),
    check: (name, argumentsText) => {
      try {
        check(name, argumentsText);
      } catch (error) {
        observer.toolCalls(format.name, 'invalid', 1);
        throw error;
      }
      observer.toolCalls(format.name, 'valid', 1);
    },
  };
}
