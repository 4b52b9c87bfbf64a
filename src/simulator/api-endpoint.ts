// The Leasingtaker-API after fault injection: bearer token, body shape, then the register's business rules.
// The token check is a Map lookup of the tokens the token endpoint issued: no signature work per call.

import { DELEGATED_SCOPE_SUFFIX } from './constants.ts';
import type { LeasingtakerCommand, LeasingtakerIdJson, PlateRegister } from './register.ts';
import type { EndpointReply } from './token-endpoint.ts';
import type { TokenStore } from './token-store.ts';

export interface ApiEndpointContext {
  readonly tokens: TokenStore;
  readonly register: PlateRegister;
  readonly now: () => number;
  readonly apiScope: string;
  readonly apiResource?: string;
}

/** One problem with the body. Never holds a value the client sent: it may be a fødselsnummer. */
export interface Feil {
  readonly felt: string;
  readonly melding: string;
}

export type ParsedCommand =
  | { readonly ok: true; readonly command: LeasingtakerCommand }
  | { readonly ok: false; readonly feil: readonly Feil[] };

const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set([
  'handling',
  'kjennemerke',
  'leasingtakerId',
  'etternavn',
]);
const ID_FIELDS: ReadonlySet<string> = new Set(['fodselsnummer', 'organisasjonsnummer']);
/** A normalised plate: what the client must send (upper case, no space or hyphen). */
const KJENNEMERKE_PATTERN = /^[A-ZÆØÅ0-9]{2,7}$/;

/** Checks the shape of a parsed JSON body, listing every problem. */
export function parseCommand(value: unknown): ParsedCommand {
  if (!isObject(value))
    return { ok: false, feil: [{ felt: '', melding: 'Forespørselen må være et JSON-objekt' }] };
  const feil: Feil[] = [];
  for (const name of Object.keys(value)) {
    if (!TOP_LEVEL_FIELDS.has(name)) feil.push({ felt: name.slice(0, 40), melding: 'Ukjent felt' });
  }
  const { handling, kjennemerke, leasingtakerId, etternavn } = value;
  if (handling !== 'OPPRETTE' && handling !== 'AVSLUTTE') {
    feil.push({ felt: 'handling', melding: 'Må være OPPRETTE eller AVSLUTTE' });
  }
  if (typeof kjennemerke !== 'string' || !KJENNEMERKE_PATTERN.test(kjennemerke)) {
    feil.push({
      felt: 'kjennemerke',
      melding: 'Må være en tekst med 2 til 7 store bokstaver og sifre, uten mellomrom eller bindestrek',
    });
  }
  let id: LeasingtakerIdJson | undefined;
  if (!isObject(leasingtakerId)) {
    feil.push({
      felt: 'leasingtakerId',
      melding: 'Må være et objekt med fodselsnummer eller organisasjonsnummer',
    });
  } else {
    for (const name of Object.keys(leasingtakerId)) {
      if (!ID_FIELDS.has(name))
        feil.push({ felt: `leasingtakerId.${name.slice(0, 40)}`, melding: 'Ukjent felt' });
    }
    const { fodselsnummer, organisasjonsnummer } = leasingtakerId;
    if ((fodselsnummer === undefined) === (organisasjonsnummer === undefined)) {
      feil.push({
        felt: 'leasingtakerId',
        melding: 'Må ha nøyaktig ett av fodselsnummer og organisasjonsnummer',
      });
    } else if (fodselsnummer !== undefined) {
      if (typeof fodselsnummer === 'string' && /^\d{11}$/.test(fodselsnummer)) id = { fodselsnummer };
      else feil.push({ felt: 'leasingtakerId.fodselsnummer', melding: 'Må være en tekst med 11 sifre' });
    } else if (typeof organisasjonsnummer === 'string' && /^\d{9}$/.test(organisasjonsnummer)) {
      id = { organisasjonsnummer };
    } else {
      feil.push({ felt: 'leasingtakerId.organisasjonsnummer', melding: 'Må være en tekst med 9 sifre' });
    }
  }
  if (etternavn !== undefined && (typeof etternavn !== 'string' || etternavn.trim() === '')) {
    feil.push({ felt: 'etternavn', melding: 'Må være en tekst som ikke er tom' });
  } else if (etternavn === undefined && id !== undefined && 'fodselsnummer' in id) {
    feil.push({ felt: 'etternavn', melding: 'Påkrevd når leasingtaker er en person' });
  }
  if (feil.length > 0 || id === undefined) return { ok: false, feil };
  return {
    ok: true,
    command: {
      handling: handling as LeasingtakerCommand['handling'],
      kjennemerke: kjennemerke as string,
      leasingtakerId: id,
      ...(typeof etternavn === 'string' ? { etternavn } : {}),
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const JSON_TYPE = 'application/json';

function bearerError(status: 401 | 403, error: string, description: string, scope?: string): EndpointReply {
  const challenge = `Bearer error="${error}", error_description="${description}"${scope ? `, scope="${scope}"` : ''}`;
  return {
    status,
    headers: { 'www-authenticate': challenge },
    body: JSON.stringify({ error, error_description: description }),
    record: { result: 'rejected', error },
  };
}

const MISSING_TOKEN = bearerError(401, 'invalid_token', 'Missing bearer token');
const UNKNOWN_TOKEN = bearerError(401, 'invalid_token', 'Unknown access token');
const EXPIRED_TOKEN = bearerError(401, 'invalid_token', 'The access token expired');

export class ApiEndpoint {
  private readonly ctx: ApiEndpointContext;
  private readonly scopes: ReadonlySet<string>;
  private readonly insufficientScope: EndpointReply;
  private readonly wrongAudience: EndpointReply;

  constructor(ctx: ApiEndpointContext) {
    this.ctx = ctx;
    this.scopes = new Set([ctx.apiScope, ctx.apiScope + DELEGATED_SCOPE_SUFFIX]);
    this.insufficientScope = bearerError(
      403,
      'insufficient_scope',
      `The token lacks the scope ${ctx.apiScope}`,
      ctx.apiScope,
    );
    this.wrongAudience = bearerError(
      401,
      'invalid_token',
      `The token is not audience-restricted to ${ctx.apiResource ?? ''} (grant claim resource)`,
    );
  }

  handle(authorization: string | undefined, contentType: string | undefined, body: string): EndpointReply {
    if (
      authorization === undefined ||
      authorization.length < 8 ||
      authorization.slice(0, 7).toLowerCase() !== 'bearer '
    ) {
      return MISSING_TOKEN;
    }
    const token = this.ctx.tokens.get(authorization.slice(7).trim());
    if (!token) return UNKNOWN_TOKEN;
    const who = {
      clientId: token.clientId,
      ...(token.consumerOrg ? { consumerOrg: token.consumerOrg } : {}),
    };
    if (this.ctx.now() >= token.expiresAt) return withRecord(EXPIRED_TOKEN, who);
    if (!token.scopes.some((scope) => this.scopes.has(scope))) return withRecord(this.insufficientScope, who);
    if (this.ctx.apiResource !== undefined && !token.resource?.includes(this.ctx.apiResource)) {
      return withRecord(this.wrongAudience, who);
    }

    if ((contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() !== JSON_TYPE) {
      return problem(
        415,
        'UGYLDIG_INNHOLDSTYPE',
        [{ felt: '', melding: 'Content-Type må være application/json' }],
        who,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return problem(400, 'UGYLDIG_FORESPORSEL', [{ felt: '', melding: 'Ugyldig JSON' }], who);
    }
    const parsed = parseCommand(json);
    if (!parsed.ok) return problem(400, 'UGYLDIG_FORESPORSEL', parsed.feil, who);

    const { command } = parsed;
    const outcome = this.ctx.register.apply(command, token.actingOrg);
    const record = { ...who, kjennemerke: command.kjennemerke, handling: command.handling };
    if (outcome.kind === 'ok') {
      return {
        status: 200,
        body: JSON.stringify({ entity: outcome.entity }),
        record: { ...record, result: 'ok' },
      };
    }
    return {
      status: 200,
      body: JSON.stringify({ merknader: outcome.merknader }),
      record: { ...record, result: 'stopped', merknadKoder: outcome.merknader.map((m) => m.kode) },
    };
  }
}

function withRecord(reply: EndpointReply, extra: EndpointReply['record']): EndpointReply {
  return { ...reply, record: { ...reply.record, ...extra } };
}

/** The simulator's error body (the real API's is not documented): a code and the problems, no values. */
export function problem(
  status: number,
  feilkode: string,
  feil: readonly Feil[],
  record: EndpointReply['record'] = {},
): EndpointReply {
  return {
    status,
    body: JSON.stringify({ status, feilkode, feil }),
    record: { ...record, result: 'rejected', error: feilkode },
  };
}
