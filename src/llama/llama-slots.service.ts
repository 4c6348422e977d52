import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { LlamaClient } from './llama-client';
import { SlotScheduler } from './slot-scheduler';

/**
 * Sizes the slot scheduler to llama-server's real slot count, `total_slots` of its `GET /props`
 * (per llama.cpp tools/server/README.md; `-np/--parallel`, or llama-server's automatic choice, or
 * whatever an `--endpoint` server was started with). Runs once every module is initialised, when
 * llama-server is up.
 */
@Injectable()
export class LlamaSlotsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('slots');

  constructor(
    private readonly scheduler: SlotScheduler,
    private readonly llama: LlamaClient,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { total_slots: slots } = await this.llama.props();
    if (slots) this.scheduler.resize(slots);
    this.logger.log(`${this.scheduler.size} slots, up to ${this.scheduler.queueSize} requests queued`);
  }
}
