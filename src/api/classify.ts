import { maskIdNumbers } from '../domain/mask.ts';
import type { LeasingtakerEntity, Merknad } from '../domain/outcome.ts';

export type Reply =
  | { readonly kind: 'ok'; readonly entity: LeasingtakerEntity }
  | { readonly kind: 'stopped'; readonly merknader: readonly Merknad[] }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'failed'; readonly status: number; readonly code: string; readonly message: string };

/** Statuses that say "not now" rather than "not this": throttled, or a gateway that lost the backend. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Reads one reply of the Leasingtaker-API. Pure. Follows Statens vegvesen's change policy: unknown fields are
 * ignored, any merknad code means "stopped", and an unknown status is a failure with the status kept.
 */
export function classifyReply(status: number, body: unknown): Reply {
  if (status === 200) {
    const reply = asRecord(body);
    const merknader = readMerknader(reply?.merknader);
    // A non-empty merknader means nothing was changed, even if an entity came along with it.
    if (merknader.length > 0) return { kind: 'stopped', merknader };
    const entity = asRecord(reply?.entity);
    if (entity !== undefined) return { kind: 'ok', entity: readEntity(entity) };
    return {
      kind: 'failed',
      status,
      code: 'UNEXPECTED_REPLY',
      message: 'HTTP 200 uten entity og uten merknader',
    };
  }
  if (status === 401) return { kind: 'unauthorized' };
  if (RETRY_STATUSES.has(status)) return { kind: 'retry', reason: `HTTP ${status}` };
  return failure(status, body);
}

function failure(status: number, body: unknown): Reply {
  const reply = asRecord(body);
  // The real API's error body is not documented: read the usual names, and the simulator's (feilkode, feil).
  const code = firstString(reply, ['feilkode', 'kode', 'code', 'error']) ?? `HTTP_${status}`;
  const detail =
    firstString(reply, ['beskrivelse', 'melding', 'message', 'error_description', 'detail', 'title']) ??
    problemList(reply?.feil);
  return {
    kind: 'failed',
    status,
    code: code.slice(0, 100),
    message: detail === undefined ? `HTTP ${status}` : `HTTP ${status}: ${scrub(detail).slice(0, 300)}`,
  };
}

/** `[{felt, melding}]` as "felt: melding; ...". */
function problemList(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const parts: string[] = [];
  for (const item of value) {
    const problem = asRecord(item);
    const melding = text(problem?.melding);
    if (melding === undefined) continue;
    const felt = text(problem?.felt);
    parts.push(felt === undefined || felt === '' ? melding : `${felt}: ${melding}`);
  }
  return parts.length === 0 ? undefined : parts.join('; ');
}

function readMerknader(value: unknown): Merknad[] {
  if (!Array.isArray(value)) return [];
  const merknader: Merknad[] = [];
  for (const item of value) {
    const merknad = asRecord(item);
    if (merknad === undefined) continue;
    merknader.push({
      kode: text(merknad.kode) ?? 'UKJENT',
      beskrivelse: scrub(text(merknad.beskrivelse) ?? ''),
    });
  }
  return merknader;
}

function readEntity(entity: Record<string, unknown>): LeasingtakerEntity {
  const kjoretoy = asRecord(entity.kjoretoy) ?? {};
  const result: Record<string, string> = {};
  const copy = (name: keyof LeasingtakerEntity, value: unknown) => {
    const found = text(value);
    if (found !== undefined) result[name] = found;
  };
  copy('kuid', kjoretoy.kuid);
  copy('kjennemerke', kjoretoy.kjennemerke);
  copy('understellsnummer', kjoretoy.understellsnummer);
  copy('merke', kjoretoy.merke);
  copy('merkeKode', kjoretoy.merkeKode);
  copy('handelsbetegnelse', kjoretoy.handelsebetegnelse ?? kjoretoy.handelsbetegnelse);
  copy('forstegangRegistrertDato', kjoretoy.forstegangRegistrertDato);
  copy('karosserifargeKode', kjoretoy.karosserifargeKode);
  copy('leasingtakerNavn', entity.leasingtakerNavn);
  return result;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function firstString(
  record: Record<string, unknown> | undefined,
  names: readonly string[],
): string | undefined {
  if (record === undefined) return undefined;
  for (const name of names) {
    const value = record[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * Masks anything shaped like a fødselsnummer in server text: a description such as "person 63888700414 not
 * found" would otherwise carry one into logs and error messages.
 */
function scrub(value: string): string {
  return maskIdNumbers(value);
}
