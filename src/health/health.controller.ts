import { Controller, Get, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { LlamaClient } from '../llama/llama-client';
import { LlamaServerService } from '../llama/llama-server.service';

/**
 * `GET /health`: 200 `{"status":"ok",…}` when llama-server answers its own `/health`, else 503
 * `{"status":"unavailable",…}` (e.g. while it is restarted after a crash). Shape follows
 * llama-server's `/health` (tools/server/README.md), plus the supervisor state.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly upstream: LlamaServerService,
    private readonly llama: LlamaClient,
  ) {}

  @Get()
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    const status = this.upstream.status();
    const ok = status.ready && (await this.llama.healthy());
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', llama_server: status };
  }
}
