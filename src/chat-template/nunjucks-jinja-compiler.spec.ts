import { readFileSync } from 'fs';
import { NUNJUCKS_VERSION } from './nunjucks-jinja-compiler';

describe('nunjucks-jinja-compiler', () => {
  it('runs on exactly the Nunjucks release its internals overrides were written for', () => {
    const installed = (JSON.parse(readFileSync(require.resolve('nunjucks/package.json'), 'utf8')) as { version: string }).version;
    if (installed !== NUNJUCKS_VERSION) {
      throw new Error(
        `nunjucks ${installed} is installed, but src/chat-template/nunjucks-jinja-compiler.ts overrides the internals of ` +
          `nunjucks ${NUNJUCKS_VERSION}: re-check every override, then update NUNJUCKS_VERSION and the exact pin in package.json`,
      );
    }
    expect(installed).toBe('3.2.4');
  });

  it('is pinned exactly (no range) in package.json', () => {
    const manifest = JSON.parse(readFileSync(require.resolve('../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies.nunjucks).toBe(NUNJUCKS_VERSION);
  });
});
