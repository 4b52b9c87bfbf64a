// Fleet files whose rows all name one plate, for the robustness test and the soak of issue 13.4.

import { type PlannedRow, syntheticPersons } from './installation.ts';

/**
 * `count` rows that all name one plate: lessee n registered and ended again, n after n. Every row is valid and
 * goes through, one at a time (rows of one vehicle never run in parallel).
 */
export function planOnePlate(count: number, plate = 'CU40000'): PlannedRow[] {
  const persons = syntheticPersons(Math.ceil(count / 2));
  return Array.from({ length: count }, (_, i) => {
    const handling = i % 2 === 0 ? 'OPPRETTE' : 'AVSLUTTE';
    return {
      plate,
      handling,
      fnr: persons[Math.floor(i / 2)] as string,
      etternavn: 'Testesen',
      expected: 'ok',
      key: `${plate}|${handling}|${i}`,
    } as const;
  });
}
