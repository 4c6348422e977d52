import { postJson, postStream } from './http';
import { ServiceProcess } from './stack';

/** Requests a warm-up sends unless `$BENCH_WARM_UP` says otherwise. */
const DEFAULT_WARM_UP_REQUESTS = 3000;

/**
 * Brings a freshly started service to the state a long-running server is in before a bench
 * measures it. V8 optimizes a function only after many calls, so code that runs once per request
 * stays slow for thousands of requests: measured on the bench machine, the service's CPU per
 * non-streamed request fell from 1.6 ms over its first thousand requests to 0.95 ms after three
 * thousand, and stayed there. llama-server (C++) needs no such warm-up.
 *
 * Sends `$BENCH_WARM_UP` requests (default 3000; 0 skips the warm-up) through `service`, one at a
 * time, cycling through `requests` (OpenAI chat bodies without `model`) with `max_tokens: 1`, so
 * that it costs seconds; every other one streamed (whatever `stream` the body had), so both answer
 * paths are warm.
 */
export async function warmUp(service: ServiceProcess, requests: Array<Record<string, unknown>>): Promise<void> {
  const count = Number(process.env.BENCH_WARM_UP ?? DEFAULT_WARM_UP_REQUESTS);
  const url = `${service.baseUrl}/v1/chat/completions`;
  for (let i = 0; i < count; i++) {
    const { stream: _stream, stream_options: _options, ...request } = requests[i % requests.length]!;
    const body = { ...request, model: service.modelId, max_tokens: 1, seed: i };
    if (i % 2 === 0) await postJson(url, body);
    else await postStream(url, { ...body, stream: true });
  }
}
