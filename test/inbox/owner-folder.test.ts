import { describe, expect, it } from 'vitest';
import { isOwnerFolder, ownerFolder } from '../../src/inbox/owner-folder.ts';

describe("a fleet owner's folder", () => {
  it.each([
    ['310555568', '310555568'],
    ['912345671', undefined],
    ['123456789', undefined],
    ['31055556', undefined],
    ['3105555680', undefined],
    ['310 555 568', undefined],
    ['NO310555568MVA', undefined],
    [' 310555568', undefined],
    ['310555568 ', undefined],
    ['gamle filer', undefined],
    ['', undefined],
  ])('%j is the folder of %j', (name, owner) => {
    const found = ownerFolder(name);
    expect(found.ok ? found.value : undefined).toBe(owner);
    expect(isOwnerFolder(name)).toBe(owner !== undefined);
  });

  it('says why a folder is not one, and names a wrong control digit', () => {
    expect(ownerFolder('gamle filer')).toEqual({
      ok: false,
      reason: 'is a folder whose name is not an organisasjonsnummer',
    });
    expect(ownerFolder('123456789')).toEqual({
      ok: false,
      reason: 'is a folder whose name is not an organisasjonsnummer (its control digit is wrong)',
    });
  });
});
