import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { basename } from 'node:path';
import { compileChatTemplate } from '../chat-template/chat-template';
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

  private toolFormatFor(templateSource: string) {
    return this.config.toolFormat ? FORMATS[this.config.toolFormat] : detectToolFormat(templateSource);
  }

  private async fromGguf(path: string): Promise<ServedModel> {
    const metadata = await readGgufMetadata(path);
    const { source, origin } = await resolveTemplateSource(this.config.chatTemplateFile, {
      source: metadata.chatTemplate,
      origin: 'gguf',
    });
    return {
      id: this.config.alias ?? metadata.name ?? basename(path, '.gguf'),
      created: Math.floor(Date.now() / 1000),
      template: compileChatTemplate(source),
      templateOrigin: origin,
      toolFormat: this.toolFormatFor(source),
      bosToken: metadata.bosToken ?? '',
      eosToken: metadata.eosToken ?? '',
      addsBosToken: await this.llama.addsBosToken(),
      contextLength: metadata.contextLength,
    };
  }

  private async fromProps(): Promise<ServedModel> {
    const props = await this.llama.props();
    const { source, origin } = await resolveTemplateSource(this.config.chatTemplateFile, {
      source: props.chat_template,
      origin: 'llama-server-props',
    });
    const pathName = props.model_path ? basename(props.model_path, '.gguf') : undefined;
    return {
      id: this.config.alias ?? props.model_alias ?? pathName ?? 'llama-server',
      created: Math.floor(Date.now() / 1000),
      template: compileChatTemplate(source),
      templateOrigin: origin,
      toolFormat: this.toolFormatFor(source),
      bosToken: props.bos_token ?? '',
      eosToken: props.eos_token ?? '',
      addsBosToken: await this.llama.addsBosToken(),
      contextLength: props.default_generation_settings?.n_ctx,
    };
  }
}
