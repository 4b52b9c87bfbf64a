/**
 * Whether a URL's hostname names this machine (127.0.0.0/8, localhost, ::1). Plain http is allowed only there:
 * tokens and fødselsnummer must not cross a network unencrypted, but the embedded simulator listens on loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
