import { authenticate } from './api-key-auth';
import { ApiKeyVerifier } from './api-keys';

describe('authenticate', () => {
  const verifier = new ApiKeyVerifier(['sk-test']);
  const request = (url: string, authorization?: string) => ({
    url,
    headers: authorization === undefined ? {} : { authorization },
  });

  it('lets /health through without a key (load balancers probe it)', () => {
    expect(authenticate(request('/health'), verifier)).toBeUndefined();
    expect(authenticate(request('/health?verbose=1'), verifier)).toBeUndefined();
  });

  it('answers 401 invalid_api_key in OpenAI shape without a key, on every other path', () => {
    for (const url of ['/v1/chat/completions', '/v1/models', '/metrics', '/tokenize', '/no-such-route']) {
      const refusal = authenticate(request(url), verifier);
      expect(refusal?.status).toBe(401);
      expect(refusal?.headers).toEqual({ 'www-authenticate': 'Bearer' });
      expect(refusal?.toJSON()).toEqual({
        error: {
          message: expect.stringMatching(/didn't provide an API key/),
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    }
  });

  it('answers 401 for a wrong key or another scheme', () => {
    expect(authenticate(request('/v1/models', 'Bearer sk-wrong'), verifier)?.message).toMatch(/Incorrect API key/);
    expect(authenticate(request('/v1/models', 'Basic sk-test'), verifier)?.code).toBe('invalid_api_key');
  });

  it('lets a configured key through', () => {
    expect(authenticate(request('/v1/models', 'Bearer sk-test'), verifier)).toBeUndefined();
  });

  it('lets everything through when no key is configured', () => {
    expect(authenticate(request('/v1/models'), new ApiKeyVerifier([]))).toBeUndefined();
  });
});
