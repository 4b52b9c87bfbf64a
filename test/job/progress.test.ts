import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../src/job/progress.ts';
import { createLogger } from '../../src/log.ts';

const logLines = async () => {
  const sink = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  sink.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: await createLogger({ destination: sink }), lines };
};

describe('createProgress', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs the rows sent every few seconds off a terminal', async () => {
    vi.useFakeTimers();
    const { logger, lines } = await logLines();
    const progress = createProgress(logger, false);
    progress.hooks.onFileStart?.('flate.csv');
    progress.hooks.onRowsQueued?.(3);
    progress.hooks.onRowDone?.('ok');
    vi.advanceTimersByTime(5_000);
    progress.stop();
    await vi.waitFor(() => expect(lines.at(-1)?.msg).toBe('1/3 rows sent'));
    expect(lines.at(-1)).toMatchObject({ files: ['flate.csv'], done: 1, queued: 3 });
  });

  it('draws a bar on a terminal (cli-progress, loaded only then) and hands the lines back when stopped', async () => {
    const { logger } = await logLines();
    const progress = createProgress(logger, true);
    progress.hooks.onFileStart?.('flate.csv');
    progress.hooks.onRowsQueued?.(2);
    progress.hooks.onRowDone?.('ok');
    expect(() => progress.stop()).not.toThrow();
  });
});
