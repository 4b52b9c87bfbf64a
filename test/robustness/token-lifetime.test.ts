// Issue 13.11: a token endpoint that says a token lives 1 ms (`expires_in: 0.001`) made the job ask for a new
// token before nearly every call. A token is kept for a floor of seconds, and the job warns about the setting.

import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { createTokenProvider, MIN_TOKEN_LIFETIME_SECONDS } from '../../src/maskinporten/token-provider.ts';
import { createApiSenders } from '../../src/sending/api-sender.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { type SimFixture, startSimFixture, tokenCalls } from '../support/simulator.ts';

describe('a token with a tiny expires_in', () => {
  let fx: SimFixture | undefined;
  let harness: Harness | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
    await harness?.close();
    harness = undefined;
  });

  it('is kept for the floor, not asked for again on every call, and said once', async () => {
    fx = await startSimFixture({ tokenLifetimeSeconds: 0.001 });
    const warnings: string[] = [];
    let offsetMs = 0;
    const provider = createTokenProvider(fx.settings, {
      now: () => Date.now() + offsetMs,
      onWarning: (message) => warnings.push(message),
    });
    const first = await provider.getToken();
    for (let i = 0; i < 40; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      expect(await provider.getToken()).toBe(first);
    }
    expect(tokenCalls(fx.sim)).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/expires_in 0\.001/);
    expect(warnings[0]).toContain(`${MIN_TOKEN_LIFETIME_SECONDS} s`);

    // Past the floor a new one is fetched; the warning is not repeated for every token.
    offsetMs = MIN_TOKEN_LIFETIME_SECONDS * 1000;
    expect(await provider.getToken()).not.toBe(first);
    expect(tokenCalls(fx.sim)).toHaveLength(2);
    expect(warnings).toHaveLength(1);
  });

  it('is logged as a warning by the run', async () => {
    harness = await createHarness({ tokenLifetimeSeconds: 0.001 });
    let logs = '';
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => {
      logs += chunk.toString();
    });
    const senders = createApiSenders(harness.config().api, await createLogger({ destination: sink }));
    try {
      await senders.checkAccess('');
      await senders.checkAccess('');
    } finally {
      senders.close();
    }
    const warnings = logs.split('\n').filter((line) => line.includes('"level":40'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/expires_in 0\.001/);
  });
});
