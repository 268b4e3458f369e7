// Shared pieces of `npm run bench`: each file in suites/ exports `metrics` (the ids it reports)
// and `run(ctx)`; the runner picks the suites whose metrics match the prefix given.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AsteriskSandbox } from '../../asterisk/sandbox.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  target: string;
  command: string;
}

export interface BenchContext {
  /** The bench Asterisk instance, started; suites may start more instances of their own. */
  asterisk: AsteriskSandbox;
  /** The command that reproduces this run, for the table. */
  command: string;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export interface HubSpotSandboxProcess {
  portalId: string;
  /** Configuration that points a sidecar at this sandbox (single-account mode). */
  env: Record<string, string>;
  /** Its control API (`/_sandbox…`). */
  control: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  close: () => Promise<void>;
}

/**
 * The HubSpot sandbox in its own process, as HubSpot is remote: its work does not share the
 * sidecar's event loop, nor the CPU time a bench measures.
 */
export async function startHubSpotSandboxProcess(portalId = 888): Promise<HubSpotSandboxProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'sandbox/src/hubspot/cli.ts'),
      '--port',
      '0',
      '--portal-id',
      String(portalId),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`HubSpot sandbox exited ${code}`)));
  });
  const info = JSON.parse(first) as { url: string; portalId: number; accessToken: string };
  return {
    portalId: String(info.portalId),
    env: {
      HUBSPOT_API_BASE_URL: info.url,
      HUBSPOT_ACCESS_TOKEN: info.accessToken,
      HUBSPOT_PORTAL_ID: String(info.portalId),
    },
    control: async <T>(method: string, p: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${info.url}/_sandbox${p}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`sandbox ${method} ${p}: ${res.status} ${await res.text()}`);
      return (res.status === 204 ? undefined : await res.json()) as T;
    },
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
