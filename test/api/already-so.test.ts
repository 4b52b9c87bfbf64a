import { describe, expect, it } from 'vitest';
import { DEFAULT_ALREADY_SO_CODES, isAlreadySo, parseAlreadySoCodes } from '../../src/api/already-so.ts';
import type { Handling } from '../../src/domain/types.ts';

const merknad = (kode: string) => ({ kode, beskrivelse: '' });

describe('isAlreadySo', () => {
  it.each<[Handling, string[], boolean]>([
    ['OPPRETTE', ['LEASINGTAKER_ER_ALLEREDE_REGISTRERT'], true],
    ['AVSLUTTE', ['INGEN_AKTIV_LEASINGTAKER'], true],
    ['OPPRETTE', ['INGEN_AKTIV_LEASINGTAKER'], false],
    ['AVSLUTTE', ['LEASINGTAKER_ER_ALLEREDE_REGISTRERT'], false],
    ['OPPRETTE', ['KJORETOY_HAR_ANNEN_LEASINGTAKER'], false],
    ['OPPRETTE', ['KJORETOY_IKKE_FUNNET'], false],
    ['OPPRETTE', ['LEASINGTAKER_ER_ALLEREDE_REGISTRERT', 'EIER_KAN_IKKE_IDENTIFISERES'], false],
    ['OPPRETTE', [], false],
  ])('%s with %j → %s', (handling, codes, expected) => {
    expect(isAlreadySo(handling, codes.map(merknad))).toBe(expected);
  });

  it('uses a configured list instead of the default', () => {
    const codes = { OPPRETTE: ['ALLEREDE'], AVSLUTTE: [] };
    expect(isAlreadySo('OPPRETTE', [merknad('ALLEREDE')], codes)).toBe(true);
    expect(isAlreadySo('OPPRETTE', [merknad('LEASINGTAKER_ER_ALLEREDE_REGISTRERT')], codes)).toBe(false);
  });
});

describe('parseAlreadySoCodes', () => {
  it('reads HANDLING=KODE pairs separated by spaces or commas', () => {
    expect(parseAlreadySoCodes('OPPRETTE=A, opprette=b AVSLUTTE=C')).toEqual({
      ok: true,
      value: { OPPRETTE: ['A', 'B'], AVSLUTTE: ['C'] },
    });
  });

  it('reads the default list written out', () => {
    expect(
      parseAlreadySoCodes('OPPRETTE=LEASINGTAKER_ER_ALLEREDE_REGISTRERT AVSLUTTE=INGEN_AKTIV_LEASINGTAKER'),
    ).toEqual({ ok: true, value: DEFAULT_ALREADY_SO_CODES });
  });

  it('names a pair it cannot read', () => {
    expect(parseAlreadySoCodes('ENDRE=X')).toEqual({
      ok: false,
      reason: expect.stringContaining('"ENDRE=X"'),
    });
  });
});
