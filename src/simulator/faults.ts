import type { FaultSettings } from './types.ts';

export const DEFAULT_FAULTS: Readonly<FaultSettings> = {
  latencyMs: 0,
  share503: 0,
  shareDrop: 0,
  dropAfterApply: false,
  shareSlow: 0,
  slowMs: 10_000,
  share429: 0,
  retryAfterSeconds: 1,
  down: false,
  shareHuge: 0,
  hugeBytes: 50 * 1024 * 1024,
  share500: 0,
  error500AfterApply: false,
};

export const DEFAULT_SEED = 1;

/** Defaults for what's missing, and a RangeError for settings that can't mean anything. */
export function faultSettings(partial: Partial<FaultSettings> = {}): FaultSettings {
  const settings = { ...DEFAULT_FAULTS, ...partial };
  const shares = [
    settings.share503,
    settings.share429,
    settings.shareDrop,
    settings.shareSlow,
    settings.shareHuge,
    settings.share500,
  ];
  if (shares.some((share) => !(share >= 0 && share <= 1))) {
    throw new RangeError('Simulator fault shares must be between 0 and 1');
  }
  if (shares.reduce((sum, share) => sum + share, 0) > 1 + 1e-9) {
    throw new RangeError('Simulator fault shares (503, 429, drop, slow, huge, 500) must add up to at most 1');
  }
  for (const name of ['latencyMs', 'slowMs', 'retryAfterSeconds', 'hugeBytes'] as const) {
    if (!(settings[name] >= 0)) throw new RangeError(`Simulator fault ${name} must be 0 or more`);
  }
  return settings;
}

/** mulberry32: tiny, fast and good enough to spread faults; what matters is that a seed repeats a run. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Fault = 'none' | 'down' | '503' | '429' | 'drop' | 'slow' | 'huge' | '500';

/**
 * One draw per call, always (even when every share is 0), so a run's faults depend only on the seed and the
 * number of calls before, not on settings changed earlier in the run.
 */
export function drawFault(settings: FaultSettings, random: () => number): Fault {
  const r = random();
  if (settings.down) return 'down';
  let band = settings.share503;
  if (r < band) return '503';
  band += settings.share429;
  if (r < band) return '429';
  band += settings.shareDrop;
  if (r < band) return 'drop';
  band += settings.shareSlow;
  if (r < band) return 'slow';
  band += settings.shareHuge;
  if (r < band) return 'huge';
  // Last, so that seeds chosen before it existed draw the same faults.
  band += settings.share500;
  if (r < band) return '500';
  return 'none';
}
