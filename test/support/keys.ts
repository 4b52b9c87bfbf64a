import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyFixture {
  readonly dir: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Writes `content` to `name` in the temp dir with `mode` (default 600) and returns the path. */
  write(name: string, content: string, mode?: number): string;
  readonly pkcs8Pem: string;
  readonly pkcs1Pem: string;
  cleanup(): void;
}

/** A fresh RSA key in a fresh temp dir: keys are made at test time and never committed. */
export function createKeyFixture(): KeyFixture {
  const dir = mkdtempSync(join(tmpdir(), 'leasingtaker-keys-'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const write = (name: string, content: string, mode = 0o600) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode });
    chmodSync(path, mode);
    return path;
  };
  return {
    dir,
    privateKey,
    publicKey,
    write,
    pkcs8Pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    pkcs1Pem: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A self-signed certificate for the fixture's key (PEM), made with the openssl CLI. */
export function selfSignedCertificate(fixture: KeyFixture, days = 30): string {
  const keyPath = fixture.write(`cert-key-${days}.pem`, fixture.pkcs8Pem);
  const certPath = join(fixture.dir, `cert-${days}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-new',
      '-key',
      keyPath,
      '-out',
      certPath,
      '-days',
      String(days),
      '-subj',
      '/CN=Test Virksomhet/O=Test AS',
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(certPath, 'utf8');
}
