import { once } from 'node:events';
import { startLocalSimulator } from './local-simulator.ts';

/** `leasingtaker simulator`: runs until Ctrl-C or SIGTERM, printing what a client needs to reach it. */
export async function simulatorCommand(options: {
  port: number;
  keyDir: string;
  tokenLifetime: number;
  latency: number;
}): Promise<number> {
  const { sim, env, description } = await startLocalSimulator(options.keyDir, {
    port: options.port,
    tokenLifetimeSeconds: options.tokenLifetime,
    faults: { latencyMs: options.latency },
  });
  process.stdout.write(`${description}\n\nTo point a run at it, set:\n`);
  for (const [name, value] of Object.entries(env)) process.stdout.write(`  ${name}=${value}\n`);
  process.stdout.write('\nStop with Ctrl-C.\n');
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await sim.close();
  return 0;
}
