// What the operations tests share: log lines read back as ops' log aggregation sees them.

/** A pino JSON line: level 30 info, 40 warn, 50 error. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export const WARN = 40;
export const ERROR = 50;

/** Every JSON line of a log, in order; lines that are not JSON are left out. */
export function logLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // a line cut by a kill: not a line
    }
  }
  return lines;
}

/** The last "Run finished" line. */
export function runFinished(text: string): LogLine | undefined {
  return logLines(text)
    .filter((line) => line.msg.startsWith('Run finished'))
    .at(-1);
}
