// What one line of `doctor` says: its verdict and its text (doctor.ts prints them, the check modules make them).

/** ✓ passed, ✗ failed (doctor exits 2), ! worth knowing but not wrong, – could not be checked. */
export type Verdict = 'pass' | 'fail' | 'note' | 'skip';

export interface Check {
  readonly verdict: Verdict;
  readonly text: string;
}
