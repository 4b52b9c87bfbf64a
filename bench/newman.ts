// A peer: Postman's newman with CSV iteration data, as a team that already has the request in Postman would
// run it. Benchmark-only: fetched by `npx --yes newman@NEWMAN_VERSION` when the benchmark runs (not a
// dependency of the job). newman's CSV reader turns an unquoted 11-digit number into a number, dropping a
// fødselsnummer's leading zero, so the collection's pre-request script pads it back (as such a team learns to).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const NEWMAN_VERSION = '6.2.2';

/** Writes the collection and the iteration data (from the bench bodies) into `dir`; returns their paths. */
export function newmanFiles(
  dir: string,
  bodies: readonly string[],
  url: string,
): { collection: string; data: string } {
  const collection = join(dir, 'leasingtaker.postman_collection.json');
  const data = join(dir, 'rows.csv');
  const lines = ['handling,kjennemerke,fodselsnummer,etternavn'];
  for (const text of bodies) {
    const body = JSON.parse(text) as {
      handling: string;
      kjennemerke: string;
      leasingtakerId: { fodselsnummer: string };
      etternavn: string;
    };
    lines.push(
      [body.handling, body.kjennemerke, body.leasingtakerId.fodselsnummer, body.etternavn].join(','),
    );
  }
  writeFileSync(data, `${lines.join('\n')}\n`);
  writeFileSync(
    collection,
    JSON.stringify({
      info: {
        name: 'leasingtaker',
        schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
      },
      item: [
        {
          name: 'innmelding',
          event: [
            {
              listen: 'prerequest',
              script: {
                exec: [
                  "pm.variables.set('fnr', String(pm.iterationData.get('fodselsnummer')).padStart(11, '0'));",
                ],
              },
            },
            {
              listen: 'test',
              script: { exec: ["pm.test('200', () => pm.response.to.have.status(200));"] },
            },
          ],
          request: {
            method: 'POST',
            url,
            header: [
              { key: 'Authorization', value: 'Bearer {{token}}' },
              { key: 'Content-Type', value: 'application/json' },
              { key: 'Accept', value: 'application/json' },
            ],
            body: {
              mode: 'raw',
              raw: '{"handling":"{{handling}}","kjennemerke":"{{kjennemerke}}","leasingtakerId":{"fodselsnummer":"{{fnr}}"},"etternavn":"{{etternavn}}"}',
            },
          },
        },
      ],
    }),
  );
  return { collection, data };
}
