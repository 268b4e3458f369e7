// Starts the real sidecar graph (startSidecar) against the test Asterisk, a real database and,
// when given, the HubSpot sandbox. Each sidecar gets its own ARI application name, so calls
// placed for it reach it alone.
import { randomBytes } from 'node:crypto';
import { placeCall, type ScriptedCall } from '../../asterisk/caller.ts';
import { loadConfig } from '../../sidecar/src/config.ts';
import type { FinishedCall } from '../../sidecar/src/domain/call.ts';
import { startSidecar, type Sidecar, type SidecarOverrides } from '../../sidecar/src/main.ts';
import { ari, TEST_ADMIN_TOKEN, testDatabaseUrl } from './env.ts';

export interface TestSidecar extends Sidecar {
  app: string;
  /** Places a scripted call to this sidecar and resolves when the call has been logged. */
  call(call: Omit<ScriptedCall, 'app'>): Promise<FinishedCall>;
  /** Resolves with the next `n` logged calls. */
  nextCalls(n: number): Promise<FinishedCall[]>;
}

export async function startTestSidecar(
  env: Record<string, string> = {},
  tag = 'sidecar',
  overrides: SidecarOverrides = {},
): Promise<TestSidecar> {
  const app = `t_${tag}_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ARI_URL: ari.url,
    ARI_USERNAME: ari.username,
    ARI_PASSWORD: ari.password,
    ARI_APP: app,
    ARI_RECONNECT_MAX_MS: '500',
    DATABASE_URL: testDatabaseUrl(tag),
    GREETING_MEDIA: 'sound:beep',
    OUTBOX_POLL_MS: '50',
    SHUTDOWN_DRAIN_MS: '5000',
    ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
    ...env,
  });
  const sidecar = await startSidecar(config, overrides);
  await sidecar.telephony.whenConnected();
  // The start-up CRM setup runs in the background; tests start after it so its requests never
  // meet the faults or counts a test sets up on the sandbox.
  await sidecar.crmProperties;
  const nextCalls = (n: number) =>
    new Promise<FinishedCall[]>((resolve) => {
      const got: FinishedCall[] = [];
      const off = sidecar.onCallLogged((c) => {
        got.push(c);
        if (got.length === n) {
          off();
          resolve(got);
        }
      });
    });
  return Object.assign(sidecar, {
    app,
    nextCalls,
    async call(call: Omit<ScriptedCall, 'app'>) {
      const logged = nextCalls(1);
      await placeCall(ari, { ...call, app });
      return (await logged)[0]!;
    },
  });
}

/**
 * Polls an outside state (an HTTP status, a row in another process's database) until it
 * holds. Only for states that offer no event to wait on.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
