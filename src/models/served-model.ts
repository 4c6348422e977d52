import { ChatTemplate } from '../chat-template/chat-template';
import { TemplateCapabilities } from '../chat-template/template-capabilities';
import { ToolFormat } from '../tool-formats/tool-format';
import { TemplateOrigin } from './template-source';

/** The one model this service serves, prepared once at start-up. */
export interface ServedModel {
  /** Model id in the API: `--alias`, else GGUF `general.name`, else the file name. */
  id: string;
  /** Unix time (s) the model was loaded, for `/v1/models`. */
  created: number;
  /** Compiled chat template, reused for every request. */
  template: ChatTemplate;
  templateOrigin: TemplateOrigin;
  /** What the template can render (system role, tool turns, …), probed once. */
  capabilities: TemplateCapabilities;
  /**
   * The model's template for requests with tools, when it has a separate one (GGUF
   * `tokenizer.chat_template.tool_use`, llama-server's `chat_template_tool_use`): rendered instead
   * of `template` whenever a request has `tools`, as Hugging Face and llama.cpp do.
   */
  toolUse?: { template: ChatTemplate; capabilities: TemplateCapabilities };
  /** BOS/EOS token strings handed to the template. */
  bosToken: string;
  eosToken: string;
  /**
   * True when llama-server prepends BOS to a string prompt itself (asked via `/tokenize`); a
   * rendered prompt's leading BOS text is then dropped so the model never sees two.
   */
  addsBosToken: boolean;
  /** How this model calls tools: detected once from its (tool-use) chat template, or `--tool-format`. */
  toolFormat: ToolFormat;
  /** Trained context length in tokens, if known. */
  contextLength?: number;
}
