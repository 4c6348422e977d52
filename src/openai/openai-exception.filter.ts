import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { toOpenAIError } from './openai-error';

/**
 * Writes every error as OpenAI's `{"error":{"message","type","param","code"}}` with its status and
 * the headers the error carries (`Retry-After` on 429).
 */
@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = toOpenAIError(exception);
    void reply.status(error.status).headers(error.headers).send(error.toJSON());
  }
}
