// Callers for the IVR benches: each presses 1 at the menu, and a run keeps CONCURRENCY of them
// on the line until CALLS are done. The sidecar and the plain-dialplan twin are measured the
// same way: a call counts once the caller's channel is gone.
import { randomUUID } from 'node:crypto';

export interface BenchAri {
  url: string;
  auth: string;
}

export function benchAri(a: { ariUrl: string; ariUsername: string; ariPassword: string }) {
  return {
    url: a.ariUrl,
    auth: `Basic ${Buffer.from(`${a.ariUsername}:${a.ariPassword}`).toString('base64')}`,
  };
}

/** Places one scripted caller pressing 1 and resolves when its channel is gone. */
export async function oneCall(ari: BenchAri, endpoint: string, app: string): Promise<void> {
  const id = randomUUID();
  const q = new URLSearchParams({
    endpoint,
    context: 'test-caller',
    extension: 's',
    priority: '1',
    callerId: '"" <+390577111222>',
    channelId: id,
    timeout: '30',
  });
  const res = await fetch(`${ari.url}/ari/channels?${q.toString()}`, {
    method: 'POST',
    headers: { authorization: ari.auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      variables: { CALLER_NUM: '+390577111222', DIGITS: '1', HOLD_S: '10', CENTRALINO_APP: app },
    }),
  });
  if (!res.ok) throw new Error(`originate: ${res.status}`);
  // Polled (a channel of ours elsewhere has no event here), the same way for both variants.
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const r = await fetch(`${ari.url}/ari/channels/${id}`, {
      headers: { authorization: ari.auth },
    });
    await r.arrayBuffer();
    if (r.status === 404) return;
  }
}

/** Calls per second: `calls` callers, `concurrency` at a time, into `endpoint`. */
export async function callsPerSecond(
  ari: BenchAri,
  endpoint: string,
  app: string,
  calls: number,
  concurrency: number,
): Promise<number> {
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await oneCall(ari, endpoint, app);
    }),
  );
  return calls / ((Date.now() - started) / 1000);
}
