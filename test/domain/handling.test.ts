import { describe, expect, it } from 'vitest';
import { parseHandling } from '../../src/domain/handling.ts';

describe('parseHandling', () => {
  const opprette = [
    'OPPRETTE',
    'opprette',
    'Opprett',
    'registrer',
    'ny',
    'Legg til',
    'legg   til',
    'start',
    'add',
    'Create',
    'register',
  ];
  const avslutte = [
    'AVSLUTTE',
    'avslutt',
    'fjern',
    'slett',
    'stopp',
    'slutt',
    'end',
    'remove',
    'DELETE',
    'terminate',
  ];

  it.each(opprette)('reads %j as OPPRETTE', (raw) => {
    expect(parseHandling(raw)).toEqual({ ok: true, value: 'OPPRETTE' });
  });
  it.each(avslutte)('reads %j as AVSLUTTE', (raw) => {
    expect(parseHandling(raw)).toEqual({ ok: true, value: 'AVSLUTTE' });
  });

  it('ignores surrounding whitespace', () => {
    expect(parseHandling('  avslutte\t')).toEqual({ ok: true, value: 'AVSLUTTE' });
  });

  const refused: [string, string, string][] = [
    ['an empty cell', ' ', 'Handling mangler'],
    ['an unknown word', 'endre', 'Ukjent handling'],
    ['a word that only starts like a known one', 'opprettet', 'Ukjent handling'],
  ];
  it.each(refused)('refuses %s and lists what is accepted', (_name, raw, reason) => {
    const parsed = parseHandling(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toContain(reason);
    expect(parsed.reason).toContain('OPPRETTE');
    expect(parsed.reason).toContain('AVSLUTTE');
    expect(parsed.reason).toContain('legg til');
    expect(parsed.reason).toContain('terminate');
  });
});
