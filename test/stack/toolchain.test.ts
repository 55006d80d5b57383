import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { WEBHOOK_FUNCTION_DEFAULTS } from '../../lib/webhook-function';
import { REPO_ROOT } from './synth';

const read = (file: string): string => readFileSync(path.join(REPO_ROOT, file), 'utf8');

/**
 * Feature flags set on purpose to something other than aws-cdk-lib's recommended value, each with its reason
 * in docs/cdk-feature-flags.md. None today.
 */
const DELIBERATELY_NOT_RECOMMENDED: readonly string[] = [];

describe('cdk.json', () => {
  const cdkJson = JSON.parse(read('cdk.json')) as Record<string, unknown> & {
    context: Record<string, unknown>;
  };

  it('turns CLI telemetry off inside context (the CLI ignores a top-level key) and skips the notices fetch', () => {
    expect(cdkJson.context['cli-telemetry']).toBe(false);
    expect(Object.keys(cdkJson).sort()).toEqual(['app', 'context', 'notices', 'watch']);
    expect(cdkJson.notices).toBe(false);
  });

  it("sets every feature flag aws-cdk-lib recommends, so the CLI's 'feature flags are not configured' warning stays away", () => {
    // Written by aws-cdk-lib for the installed version: a newer aws-cdk-lib with new flags fails here until
    // they are reviewed (docs/cdk-feature-flags.md) and set.
    const recommended = JSON.parse(
      readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    const differing = Object.keys(recommended).filter(
      (flag) => JSON.stringify(cdkJson.context[flag]) !== JSON.stringify(recommended[flag]),
    );
    expect(differing).toEqual(DELIBERATELY_NOT_RECOMMENDED);
    const documentation = read('docs/cdk-feature-flags.md');
    for (const flag of DELIBERATELY_NOT_RECOMMENDED) expect(documentation).toContain(`\`${flag}\``);
  });
});

describe('.ci/run', () => {
  it("runs the tests on the Node.js major version of the functions' Lambda runtime", () => {
    const runtimeMajor = /^nodejs(\d+)\.x$/.exec(WEBHOOK_FUNCTION_DEFAULTS.runtime.name)?.[1];
    expect(runtimeMajor).toBe('24');
    const ciRun = read('.ci/run');
    expect(/^NODE_MAJOR=(\d+)$/m.exec(ciRun)?.[1]).toBe(runtimeMajor);
    // Node.js comes from the npm registry, and the tests run with it first on PATH.
    expect(ciRun).toContain('"node-linux-$cpu@$NODE_MAJOR"');
    expect(ciRun).toMatch(
      /^export PATH="\$PWD\/\$node_prefix\/node_modules\/node-linux-\$cpu\/bin:\$PATH"$/m,
    );
    expect(ciRun.indexOf('export PATH=')).toBeLessThan(ciRun.lastIndexOf('npm test'));
  });
});
