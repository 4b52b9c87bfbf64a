import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes the metrics text for node_exporter's textfile collector: to a temporary name in the same folder that
 * does not end in `.prom` (the collector skips it), flushed, then renamed over the file, so that a scrape never
 * reads half a file. Mode 644: node_exporter runs as another user, and the figures hold no personal data.
 */
export async function writeMetricsFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
