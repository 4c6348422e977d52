import { Module } from '@nestjs/common';
import { LlamaClient } from './llama-client';
import { LlamaServerService } from './llama-server.service';

/** llama-server: provisioning, process supervision and the `/completion` client. */
@Module({
  providers: [
    LlamaServerService,
    {
      provide: LlamaClient,
      useFactory: (upstream: LlamaServerService) => new LlamaClient(upstream),
      inject: [LlamaServerService],
    },
  ],
  exports: [LlamaServerService, LlamaClient],
})
export class LlamaModule {}
