// What Asterisk itself says about bridges, over ARI: how tests see where a call is (parked in a
// holding bridge, bridged with whoever picked it up) without trusting the sidecar's own view.
import { ari } from './env.ts';
import { waitFor } from './harness.ts';

const auth = `Basic ${Buffer.from(`${ari.username}:${ari.password}`).toString('base64')}`;

export async function ariJson<T>(p: string): Promise<T> {
  const res = await fetch(`${ari.url}/ari${p}`, { headers: { authorization: auth } });
  return (await res.json()) as T;
}

export const bridges = () =>
  ariJson<{ id: string; bridge_type: string; channels: string[] }[]>('/bridges');

/** Resolves once `channelId` waits in a holding bridge (parked). */
export function untilParked(channelId: string, what = 'the call in a holding bridge') {
  return waitFor(
    async () =>
      (await bridges()).some((b) => b.bridge_type === 'holding' && b.channels.includes(channelId)),
    10_000,
    what,
  );
}

/** Resolves once `a` and `b` are the two channels of one mixing bridge. */
export function untilBridgedTogether(a: string, b: string, what = `${a} and ${b} bridged`) {
  return waitFor(
    async () =>
      (await bridges()).some(
        (x) =>
          x.bridge_type === 'mixing' &&
          x.channels.length === 2 &&
          x.channels.includes(a) &&
          x.channels.includes(b),
      ),
    10_000,
    what,
  );
}
