import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClient } from '../../src/simulator/keys.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import type { Simulator } from '../../src/simulator/types.ts';
import { requestToken, signGrant } from './helpers.ts';

const run = promisify(execFile);

interface Certificate {
  pem: string;
  privateKeyPem: string;
  /** base64 DER, as it goes into x5c. */
  der: string;
}

let dir: string;
let sim: Simulator;
let trusted: Certificate;
let untrusted: Certificate;
let client: Awaited<ReturnType<typeof createDemoClient>>['client'];

async function selfSigned(name: string): Promise<Certificate> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=test',
    '-days',
    '1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  const pem = await readFile(certFile, 'utf8');
  const der = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return { pem, privateKeyPem: await readFile(keyFile, 'utf8'), der };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simulator-x5c-'));
  [trusted, untrusted] = await Promise.all([selfSigned('trusted'), selfSigned('untrusted')]);
  ({ client } = await createDemoClient({ trustedCertificates: [trusted.pem] }));
  sim = await startSimulator({ clients: [client] });
});

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function signer(certificate: Certificate) {
  return { privateKeyPem: certificate.privateKeyPem, kid: '', client };
}

describe('token endpoint: grants signed with a business certificate (x5c)', () => {
  it('accepts a grant whose leaf certificate is trusted for the client', async () => {
    const assertion = await signGrant(sim, signer(trusted), { header: { alg: 'RS256', x5c: [trusted.der] } });
    const reply = await requestToken(sim, assertion);
    expect(reply.status).toBe(200);
  });

  it('refuses a certificate not registered for the client (MP-120)', async () => {
    const assertion = await signGrant(sim, signer(untrusted), {
      header: { alg: 'RS256', x5c: [untrusted.der] },
    });
    const reply = await requestToken(sim, assertion);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('invalid_grant');
    expect(reply.body.error_description).toContain('MP-120');
  });

  it('refuses a trusted certificate with a grant signed by another key', async () => {
    const assertion = await signGrant(sim, signer(untrusted), {
      header: { alg: 'RS256', x5c: [trusted.der] },
    });
    const reply = await requestToken(sim, assertion);
    expect(reply.body.error_description).toContain('Signature verification failed');
  });

  it('refuses an x5c whose first element is not a certificate', async () => {
    const assertion = await signGrant(sim, signer(trusted), {
      header: { alg: 'RS256', x5c: ['bm90IGEgY2VydA=='] },
    });
    const reply = await requestToken(sim, assertion);
    expect(reply.body.error_description).toBe('Failed to extract certificate from jwt');
  });
});
