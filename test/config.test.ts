import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '../src/config.ts';

/** The least a configuration needs; the key file is only named here, not read. */
const BASE = {
  MASKINPORTEN_ENV: 'test',
  MASKINPORTEN_CLIENT_ID: 'client',
  MASKINPORTEN_KID: 'kid',
  MASKINPORTEN_KEY_FILE: '/nowhere/key.pem',
};

describe('loadRunConfig: the API address', () => {
  it.each([
    ['https://www.vegvesen.no'],
    ['https://synt.utv.vegvesen.no/'],
    ['https://proxy.example/prefix'],
    ['http://127.0.0.1:9'],
    ['http://localhost:8080'],
  ])('takes %s', (url) => {
    expect(loadRunConfig({ ...BASE, LEASINGTAKER_API_URL: url }).ok).toBe(true);
  });

  // The client refuses these when it is made; the configuration must list them with the other problems,
  // before anything else happens (and doctor must not probe an address `run` would refuse).
  it.each([
    ['http://www.vegvesen.no', /must use https/],
    ['ftp://127.0.0.1', /must use https/],
    ['not a url', /absolute URL/],
    ['https://www.vegvesen.no/?env=test', /query or fragment/],
    ['https://www.vegvesen.no/#api', /query or fragment/],
  ])('refuses %s, saying why', (url, why) => {
    const loaded = loadRunConfig({ ...BASE, LEASINGTAKER_API_URL: url });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems.join('\n')).toMatch(why);
  });

  it('defaults to the environment’s address', () => {
    const loaded = loadRunConfig(BASE);
    expect(loaded.ok && loaded.config.api.apiUrl).toBe('https://synt.utv.vegvesen.no');
  });
});

describe('loadRunConfig: the worksheet', () => {
  // README, "Fleet files": the sheet named with `--sheet` (or `LEASINGTAKER_SHEET`).
  it('reads LEASINGTAKER_SHEET, and --sheet wins over it', () => {
    const fromEnv = loadRunConfig({ ...BASE, LEASINGTAKER_SHEET: 'Flåte' });
    expect(fromEnv.ok && fromEnv.config.sheet).toBe('Flåte');
    const fromFlag = loadRunConfig({ ...BASE, LEASINGTAKER_SHEET: 'Flåte' }, { sheet: 'Biler' });
    expect(fromFlag.ok && fromFlag.config.sheet).toBe('Biler');
    const neither = loadRunConfig(BASE);
    expect(neither.ok && neither.config.sheet).toBeUndefined();
  });
});

describe('loadRunConfig: LEASINGTAKER_OWNER_WEIGHTS', () => {
  it('takes an owner folder’s organisasjonsnummer and our own', () => {
    const loaded = loadRunConfig({ ...BASE, LEASINGTAKER_OWNER_WEIGHTS: '912345688=3, own=2' });
    expect(loaded.ok && [...(loaded.config.ownerWeights ?? [])]).toEqual([
      ['912345688', 3],
      ['', 2],
    ]);
  });

  // A weight for a folder name the inbox never takes (inbox/owner-folder.ts) would weigh nothing, silently.
  it.each([
    ['123456789=2', /123456789=2/],
    ['91234567=2', /91234567=2/],
    ['912345688=0', /912345688=0/],
    // Which of two weights for one owner would count is anybody's guess: say so instead of taking the last.
    ['912345688=3,912345688=2', /912345688 is given a weight twice/],
    ['own=1 own=2', /own is given a weight twice/],
  ])('refuses %s, saying which', (value, which) => {
    const loaded = loadRunConfig({ ...BASE, LEASINGTAKER_OWNER_WEIGHTS: value });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems.join('\n')).toMatch(which);
  });

  // The setting is a list of weights, not a folder: its problem says what is wrong with the number it names,
  // and a weight above the largest one taken says the range.
  it.each([
    [
      '912345678=2',
      'LEASINGTAKER_OWNER_WEIGHTS: "912345678=2": 912345678 is not an organisasjonsnummer (its control digit is wrong), so no owner folder is named so.',
    ],
    [
      'own=1000',
      'LEASINGTAKER_OWNER_WEIGHTS: "own=1000" is not ORGNR=WEIGHT or own=WEIGHT (a whole number from 1 to 999).',
    ],
  ])('says plainly why %s is refused', (value, problem) => {
    const loaded = loadRunConfig({ ...BASE, LEASINGTAKER_OWNER_WEIGHTS: value });
    expect(loaded.ok || loaded.problems).toEqual([problem]);
  });
});
