import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MONTH_OFFSETS, parseFodselsnummer } from '../../src/domain/fodselsnummer.ts';
import { parseKjennemerke } from '../../src/domain/kjennemerke.ts';
import { parseOrganisasjonsnummer } from '../../src/domain/organisasjonsnummer.ts';
import { individRange, orgnr, replaceDigit, withControlDigits } from '../support/synthetic.ts';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A valid number: a real calendar date in 1854-2039, any offset from the table, D-number or not. */
const validFodselsnummer = fc
  .record({
    date: fc.date({
      min: new Date('1854-01-01T00:00:00Z'),
      max: new Date('2039-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    monthOffset: fc.constantFrom(...MONTH_OFFSETS),
    dNumber: fc.boolean(),
    individFraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  })
  .map(({ date, monthOffset, dNumber, individFraction }) => {
    const year = date.getUTCFullYear();
    const [from, to] = individRange(year);
    const individ = from + Math.floor(individFraction * (to - from + 1));
    const day = date.getUTCDate() + (dNumber ? 40 : 0);
    const month = date.getUTCMonth() + 1 + monthOffset;
    return withControlDigits(pad(day) + pad(month) + pad(year % 100) + pad(individ, 3));
  })
  .filter((number): number is string => number !== undefined);

const validOrgnr = fc
  .stringMatching(/^\d{8}$/)
  .map((eight) => orgnr(eight))
  .filter((number): number is string => number !== undefined);

/** A position and a different digit for it. */
const singleDigitChange = (length: number) =>
  fc.record({ index: fc.integer({ min: 0, max: length - 1 }), delta: fc.integer({ min: 1, max: 9 }) });

const changed = (number: string, index: number, delta: number) =>
  replaceDigit(number, index, (Number(number[index]) + delta) % 10);

describe('fødselsnummer properties', () => {
  it('accepts every generated valid number, with each month offset and with or without D-number', () => {
    fc.assert(
      fc.property(validFodselsnummer, (number) => {
        expect(parseFodselsnummer(number, { acceptK1Free: false })).toEqual({ ok: true, value: number });
      }),
    );
  });

  // k2 weighs all ten digits before it with weights 2-7, none a multiple of 11, so changing any one digit by 1-9
  // changes the sum mod 11 and k2 no longer fits: the property holds even when k1 is not checked.
  it.each([true, false])(
    'refuses every single-digit change of a valid number (k1-free %s)',
    (acceptK1Free) => {
      fc.assert(
        fc.property(validFodselsnummer, singleDigitChange(11), (number, { index, delta }) => {
          expect(parseFodselsnummer(changed(number, index, delta), { acceptK1Free }).ok).toBe(false);
        }),
      );
    },
  );
});

describe('organisasjonsnummer properties', () => {
  it('accepts every valid number', () => {
    fc.assert(
      fc.property(validOrgnr, (number) => {
        expect(parseOrganisasjonsnummer(number)).toEqual({ ok: true, value: number });
      }),
    );
  });

  it('refuses every single-digit change of a valid number', () => {
    fc.assert(
      fc.property(validOrgnr, singleDigitChange(9), (number, { index, delta }) => {
        expect(parseOrganisasjonsnummer(changed(number, index, delta)).ok).toBe(false);
      }),
    );
  });
});

describe('kjennemerke properties', () => {
  const plateLike = fc
    .array(fc.constantFrom(...'abcxyzABCXYZæøåÆØÅ0123456789 -'.split('')), { maxLength: 10 })
    .map((chars) => chars.join(''));

  it.each([
    ['plate-like text', plateLike],
    ['any text', fc.string()],
  ])('is idempotent on %s: parsing the normalised value returns it unchanged', (_name, text) => {
    fc.assert(
      fc.property(text, (raw) => {
        const first = parseKjennemerke(raw);
        if (first.ok) expect(parseKjennemerke(first.value)).toEqual(first);
      }),
    );
  });
});
