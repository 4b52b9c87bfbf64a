import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import { maskIdNumbers } from './domain/mask.ts';

export type { Logger } from 'pino';

/**
 * Personal data and secrets that must never reach a log line, declared once. Code should not log them in the
 * first place; this is the net under it.
 */
const REDACT_PATHS = [
  'fodselsnummer',
  '*.fodselsnummer',
  '*.*.fodselsnummer',
  'leasingtakerId',
  '*.leasingtakerId',
  'request.leasingtakerId',
  'etternavn',
  '*.etternavn',
  'cells',
  '*.cells',
  'token',
  '*.token',
  'accessToken',
  'access_token',
  '*.access_token',
  'assertion',
  '*.assertion',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'privateKey',
  '*.privateKey',
  'key',
  '*.key',
];

/**
 * The mask every log line passes before it is written (see `hooks.streamWrite` below). Masking the text as it
 * stands is safe inside JSON strings, but not in a number (`"size":12345678901` would lose its validity), so a
 * line with anything to mask is parsed, its numbers of that shape turned into masked strings, and written anew.
 * That happens only when there is something to mask: nearly never, and the job logs per file, not per row.
 */
export function maskLine(line: string): string {
  const masked = maskIdNumbers(line);
  if (masked === line) return line;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return masked;
  }
  const json = JSON.stringify(value, (_key, field: unknown) => {
    if (typeof field !== 'number') return field;
    const text = String(field);
    const shown = maskIdNumbers(text);
    return shown === text ? field : shown;
  });
  return `${maskIdNumbers(json)}\n`;
}

let lineSink: ((text: string) => void) | undefined;

/**
 * Where pretty log lines go on a terminal: stdout, or, while a progress bar is drawn, above the bar (see
 * `setLineSink`), so that the two don't garble each other.
 */
const terminalLines = new Writable({
  write(chunk: Buffer | string, _encoding, done) {
    const text = chunk.toString();
    if (lineSink) lineSink(text);
    else process.stdout.write(text);
    done();
  },
});

/** Sends pretty log lines to `sink` (a progress bar's log) until called again with undefined. */
export function setLineSink(sink: ((text: string) => void) | undefined): void {
  lineSink = sink;
}

export interface LogOptions {
  /** LOG_LEVEL: trace, debug, info (default), warn, error, fatal, silent. */
  readonly level?: string;
  /** Pretty, coloured lines for a person at a terminal; JSON otherwise (for log aggregation). */
  readonly pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream to capture them. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * Logs are written synchronously: the job logs a few lines per file, never per row, so a synchronous write
 * costs nothing measurable and no line is lost when the process is killed or exits early.
 */
export async function createLogger(options: LogOptions = {}): Promise<Logger> {
  const base = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[skjult]' },
    base: { app: 'leasingtaker' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // The second net, for what no path can name: a fødselsnummer in a file or folder name (`kunde 03899274716.csv`)
    // reaches messages, fields and error texts alike. Every line passes here, JSON and pretty, before it is written.
    hooks: { streamWrite: maskLine },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    const { default: pretty } = await import('pino-pretty');
    return pino(
      base,
      pretty({
        sync: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,app',
        destination: terminalLines,
      }),
    );
  }
  return pino(base, pino.destination({ dest: 1, sync: true }));
}
