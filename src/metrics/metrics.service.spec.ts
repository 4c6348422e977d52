import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  const sample = async (metrics: MetricsService, series: string) => {
    const line = (await metrics.render()).split('\n').find((text) => text.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('keeps one registry per instance', async () => {
    const first = new MetricsService();
    const second = new MetricsService();
    first.observeRequest('GET', '/v1/models', 200, 0.01);
    expect(await sample(first, 'llama_tools_http_requests_total{method="GET",route="/v1/models",status="200"}')).toBe(1);
    expect(await sample(second, 'llama_tools_http_requests_total{method="GET",route="/v1/models",status="200"}')).toBeUndefined();
  });

  it('counts tokens and speed of finished completions, and first tokens', async () => {
    const metrics = new MetricsService();
    metrics.completionFinished({
      content: 'x', stop: true, tokens_evaluated: 30, tokens_predicted: 5, timings: { predicted_per_second: 42 },
    });
    metrics.completionFinished({ content: '', stop: true, tokens_evaluated: 7, tokens_predicted: 0 });
    metrics.firstToken(0.2);
    expect(await sample(metrics, 'llama_tools_prompt_tokens_total')).toBe(37);
    expect(await sample(metrics, 'llama_tools_completion_tokens_total')).toBe(5);
    expect(await sample(metrics, 'llama_tools_generation_tokens_per_second_sum')).toBe(42);
    expect(await sample(metrics, 'llama_tools_generation_tokens_per_second_count')).toBe(1);
    expect(await sample(metrics, 'llama_tools_time_to_first_token_seconds_count')).toBe(1);
  });

  it('counts tool calls by format and outcome, grammar cache lookups, restarts, and sets the queue depth', async () => {
    const metrics = new MetricsService();
    metrics.toolCalls('hermes', 'valid', 2);
    metrics.toolCalls('hermes', 'truncated', 1);
    metrics.grammarCacheLookup(false);
    metrics.grammarCacheLookup(true);
    metrics.grammarCacheLookup(true);
    for (const state of ['starting', 'ready', 'crashed', 'restarting', 'ready'] as const) metrics.upstreamStateChanged(state);
    metrics.setQueueDepth(3);
    expect(await sample(metrics, 'llama_tools_tool_calls_total{format="hermes",outcome="valid"}')).toBe(2);
    expect(await sample(metrics, 'llama_tools_tool_calls_total{format="hermes",outcome="truncated"}')).toBe(1);
    expect(await sample(metrics, 'llama_tools_grammar_cache_lookups_total{result="hit"}')).toBe(2);
    expect(await sample(metrics, 'llama_tools_grammar_cache_lookups_total{result="miss"}')).toBe(1);
    expect(await sample(metrics, 'llama_tools_upstream_restarts_total')).toBe(1);
    expect(await sample(metrics, 'llama_tools_queue_depth')).toBe(3);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0.0.4/);
  });
});
