import { describe, expect, it } from 'vitest';
import { decideMemory, explainRefusal, type MemoryFindings } from '../../src/ledger/memory.ts';

const healthy: MemoryFindings = {
  ledger: 'healthy',
  knowsFiles: true,
  acceptedAsIs: false,
  walLost: false,
  archiveHasFiles: true,
  backup: 'current',
};
const fresh: MemoryFindings = {
  ledger: 'absent',
  knowsFiles: false,
  acceptedAsIs: false,
  walLost: false,
  archiveHasFiles: false,
  backup: 'none',
};

describe('whether a run trusts its ledger', () => {
  const cases: [string, Partial<MemoryFindings>, string, string[]?][] = [
    ['a healthy ledger that knows the archive', {}, 'use'],
    ['a healthy ledger, no backup yet (an installation from before backups)', { backup: 'none' }, 'use'],
    ['a healthy ledger whose backup is behind (the last run was killed)', { backup: 'behind' }, 'use'],
    ['a fresh installation: no ledger, empty archive, no backup', { ...fresh }, 'use'],
    ['a healthy ledger of a first run that took nothing', { ...fresh, ledger: 'healthy' }, 'use'],
    ['no ledger, archive with files, current backup', { ledger: 'absent', knowsFiles: false }, 'restore'],
    [
      'no ledger, empty archive (retention emptied it), current backup',
      { ledger: 'absent', knowsFiles: false, archiveHasFiles: false },
      'restore',
    ],
    [
      'no ledger, archive with files, no backup',
      { ledger: 'absent', knowsFiles: false, backup: 'none' },
      'refuse',
      ['new'],
    ],
    [
      'no ledger, archive with files, backup behind',
      { ledger: 'absent', knowsFiles: false, backup: 'behind' },
      'refuse',
      ['restore', 'new'],
    ],
    ['a damaged ledger, current backup', { ledger: 'damaged', damage: 'x' }, 'restore'],
    [
      'a damaged ledger, backup behind',
      { ledger: 'damaged', backup: 'behind' },
      'refuse',
      ['restore', 'new'],
    ],
    ['a damaged ledger, no backup', { ledger: 'damaged', backup: 'none' }, 'refuse', ['new']],
    [
      'a damaged ledger on a fresh installation (no archive, no backup)',
      { ...fresh, ledger: 'damaged' },
      'refuse',
      ['new'],
    ],
    ['a ledger that knows no file, archive with files, current backup', { knowsFiles: false }, 'restore'],
    [
      'a ledger that knows no file, archive with files, no backup',
      { knowsFiles: false, backup: 'none' },
      'refuse',
      ['keep', 'new'],
    ],
    [
      'a ledger started afresh on purpose that knows no file yet',
      { knowsFiles: false, acceptedAsIs: true, backup: 'none' },
      'use',
    ],
    [
      'the WAL lost after an unfinished run, backup behind',
      { walLost: true, backup: 'behind' },
      'refuse',
      ['restore', 'keep', 'new'],
    ],
    ['the WAL lost, no backup', { walLost: true, backup: 'none' }, 'refuse', ['keep', 'new']],
    [
      // A current backup is from before the run that lost the WAL: never taken silently.
      'the WAL lost, backup current',
      { walLost: true },
      'refuse',
      ['restore', 'keep', 'new'],
    ],
  ];
  for (const [what, findings, kind, remedies] of cases) {
    it(`${what}: ${kind}${remedies ? ` (${remedies.join(', ')})` : ''}`, () => {
      const decision = decideMemory({ ...healthy, ...findings });
      expect(decision.kind).toBe(kind);
      if (decision.kind === 'refuse') expect(decision.remedies).toEqual(remedies);
    });
  }

  it('a refusal names the problem, the folder and each command it allows, and nothing else', () => {
    const decision = decideMemory({ ...healthy, ledger: 'absent', knowsFiles: false, backup: 'behind' });
    if (decision.kind !== 'refuse') throw new Error('expected a refusal');
    const text = explainRefusal(decision, {
      state: '/data/state',
      archive: '/data/archive',
      backupTime: '2026-03-01T10:00:00.000Z',
    });
    expect(text).toContain('the ledger is missing, but the archive holds files');
    expect(text).toContain('/data/state');
    expect(text).toContain('`leasingtaker ledger restore`');
    expect(text).toContain('2026-03-01T10:00:00.000Z');
    expect(text).toContain('`leasingtaker ledger new`');
    expect(text).not.toContain('ledger keep');
  });
});
