import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testAssets } from '../../test/support/test-assets';
import { compileChatTemplate } from './chat-template';
import { probeTemplateCapabilities, TemplateCapabilities } from './template-capabilities';

const FULL: TemplateCapabilities = {
  systemRole: true,
  toolCalls: true,
  toolResponses: true,
  argumentsAs: 'object',
  requiresNonNullContent: false,
  requiresAlternation: false,
};

function capabilitiesOf(file: string): TemplateCapabilities {
  const source = readFileSync(join(testAssets().llamaCppDir, 'models', 'templates', file), 'utf8');
  return probeTemplateCapabilities(compileChatTemplate(source), { bos_token: '<s>', eos_token: '</s>' });
}

describe('template capabilities, probed on real templates', () => {
  it.each<[string, Partial<TemplateCapabilities>]>([
    ['Qwen-Qwen2.5-7B-Instruct.jinja', {}],
    ['NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja', {}],
    ['Qwen-Qwen3-0.6B.jinja', { requiresNonNullContent: true }],
    ['meetkai-functionary-medium-v3.2.jinja', { argumentsAs: 'string' }],
    ['mistralai-Mistral-Nemo-Instruct-2407.jinja', { requiresAlternation: true }],
    ['microsoft-Phi-3.5-mini-instruct.jinja', { toolCalls: false, toolResponses: false, requiresNonNullContent: true }],
    [
      'google-gemma-2-2b-it.jinja',
      { systemRole: false, toolCalls: false, toolResponses: false, requiresAlternation: true },
    ],
  ])('%s', (file, differences) => {
    expect(capabilitiesOf(file)).toEqual({ ...FULL, ...differences });
  });
});
