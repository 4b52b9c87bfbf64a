import { readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readZipDirectory, readZipEntry } from '../../src/input/zip.ts';
import {
  createInstallation,
  type Installation,
  latestSummary,
  syntheticPersons,
} from '../support/installation.ts';
import { readWorkbook, sheet } from '../support/report-read-back.ts';

/** Every part of a zip (an .xlsx), as text. */
async function zipParts(path: string): Promise<Map<string, string>> {
  const handle = await open(path);
  try {
    const size = (await handle.stat()).size;
    const parts = new Map<string, string>();
    for (const entry of (await readZipDirectory(handle, size)).values()) {
      parts.set(entry.name, (await readZipEntry(handle, size, entry, 512 * 1024 * 1024)).toString('utf8'));
    }
    return parts;
  } finally {
    await handle.close();
  }
}

/** XML 1.0's Char production: anything else makes the document ill-formed, whatever the parser. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

describe('a report holds what Excel and XML can hold, and says what it changed', () => {
  let install: Installation;
  beforeEach(async () => {
    install = await createInstallation();
  });
  afterEach(async () => {
    await install.close();
  });

  it('replaces characters XML cannot hold and cuts overlong cells, in every file, and says so', async () => {
    const persons = syntheticPersons(40, 700);
    const lines = ['Kjennemerke;Handling;Fødselsnummer;Etternavn;Not\u0001at'];
    // Staff's notes as other systems export them: control characters, U+FFFE/U+FFFF, a note far past 32,767.
    const notes = ['a\u0001b', 'x\uFFFEy', 'z\uFFFF', 'bell\u0007', 'lang '.repeat(8_000)];
    persons.forEach((person, i) => {
      const plate = i === 3 ? 'XX48003' : `CU${48_000 + i}`;
      lines.push(`${plate};OPPRETTE;${person};Nilsen;${notes[i % notes.length]}`);
    });
    // A NUL past the first 4 kB (a NUL up front makes the file look binary): in the stopped row's note.
    lines.push(`XX48099;OPPRETTE;${persons[0]};Nilsen;nul\u0000her`);
    writeFileSync(join(install.inbox, 'rare-tegn.csv'), `${lines.join('\r\n')}\r\n`);

    const result = await install.run();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const summary = latestSummary(install.reports, 'rare-tegn.csv');
    expect(summary).toMatchObject({ rows: 41, stopped: 2 });

    const report = join(install.reports, summary?.report ?? '');
    for (const [name, xml] of await zipParts(report)) {
      if (name.endsWith('.xml')) expect(NOT_XML_CHAR.exec(xml)?.[0], name).toBeUndefined();
    }
    const workbook = await readWorkbook(report);
    const said = sheet(workbook, 'Oppsummering').getSheetValues().flat().join(' ');
    expect(said).toMatch(/tegn som ikke kan stå i en Excel-fil/);
    expect(said).toMatch(/mer tekst enn de 32\s767 tegnene/);
    const longest = Math.max(
      ...workbook.worksheets.flatMap((ws) =>
        ws
          .getSheetValues()
          .flatMap((row) => (Array.isArray(row) ? row : []).map((v) => String(v ?? '').length)),
      ),
    );
    expect(longest).toBeLessThanOrEqual(32_767);

    // The retry file: nothing that would make it look binary when it is dropped back in.
    const retry = readFileSync(join(install.reports, summary?.retry ?? ''), 'utf8');
    expect(retry).not.toContain('\u0000');
    expect(retry).toContain('XX48099');
  }, 60_000);
});
