import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { basename } from 'node:path';
import { compileChatTemplate } from '../chat-template/chat-template';
import { probeTemplateCapabilities } from '../chat-template/template-capabilities';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';
import { readGgufMetadata } from '../gguf/gguf-metadata';
import { detectToolFormat, FORMATS } from '../tool-formats';
import { LlamaClient } from '../llama/llama-client';
import { resolveTemplateSource } from './template-source';
import { ServedModel } from './served-model';

/**
 * Loads the served model's description once at start-up: from the GGUF header with `--model`, or
 * from llama-server's `GET /props` with `--endpoint` and no `--model`; compiles its chat template.
 */
@Injectable()
export class ServedModelService implements OnModuleInit {
  private readonly logger = new Logger('Model');
  private loaded?: ServedModel;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly llama: LlamaClient,
  ) {}

  /** The served model; available once the module is initialised. */
  get model(): ServedModel {
    if (!this.loaded) throw new Error('the served model is not loaded yet');
    return this.loaded;
  }

  async onModuleInit(): Promise<void> {
    this.loaded = this.config.model ? await this.fromGguf(this.config.model) : await this.fromProps();
    this.logger.log(
      `serving ${this.loaded.id} (chat template from ${this.loaded.templateOrigin}, ` +
        `tool format ${this.loaded.toolFormat.name})`,
    );
  }

  /** The model as its GGUF header describes it. */
  private async fromGguf(path: string): Promise<ServedModel> {
    const metadata = await readGgufMetadata(path);
    return this.assemble({
      name: metadata.name ?? basename(path, '.gguf'),
      template: { source: metadata.chatTemplate, origin: 'gguf' },
      toolUseTemplate: metadata.chatTemplates.tool_use,
      bosToken: metadata.bosToken,
      eosToken: metadata.eosToken,
      contextLength: metadata.contextLength,
    });
  }

  /** The model as llama-server's `GET /props` describes it (`--endpoint` without `--model`). */
  private async fromProps(): Promise<ServedModel> {
    const props = await this.llama.props();
    return this.assemble({
      name: props.model_alias ?? (props.model_path ? basename(props.model_path, '.gguf') : 'llama-server'),
      template: { source: props.chat_template, origin: 'llama-server-props' },
      toolUseTemplate: props.chat_template_tool_use,
      bosToken: props.bos_token,
      eosToken: props.eos_token,
      contextLength: props.default_generation_settings?.n_ctx,
    });
  }

  /**
   * Compiles and probes the template (and the model's tool-use template, unless
   * `--chat-template-file` replaces both) and detects the tool format once, from the tool-use
   * template where there is one; the alias wins over the model's name.
   */
  private async assemble(described: {
    name: string;
    template: Parameters<typeof resolveTemplateSource>[1];
    toolUseTemplate?: string;
    bosToken?: string;
    eosToken?: string;
    contextLength?: number;
  }): Promise<ServedModel> {
    const { source, origin } = await resolveTemplateSource(this.config.chatTemplateFile, described.template);
    const bosToken = described.bosToken ?? '';
    const eosToken = described.eosToken ?? '';
    const prepare = (templateSource: string) => {
      const template = compileChatTemplate(templateSource);
      return { template, capabilities: probeTemplateCapabilities(template, { bos_token: bosToken, eos_token: eosToken }) };
    };
    const toolUseSource = origin === 'chat-template-file' ? undefined : described.toolUseTemplate;
    return {
      id: this.config.alias ?? described.name,
      created: Math.floor(Date.now() / 1000),
      ...prepare(source),
      templateOrigin: origin,
      toolUse: toolUseSource ? prepare(toolUseSource) : undefined,
      toolFormat: this.config.toolFormat ? FORMATS[this.config.toolFormat] : detectToolFormat(toolUseSource ?? source),
      bosToken,
      eosToken,
      addsBosToken: await this.llama.addsBosToken(),
      contextLength: described.contextLength,
    };
  }
}
