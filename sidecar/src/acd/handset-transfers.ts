// Transfers an agent starts on their own SIP phone: the handset's Transfer key sends a SIP REFER.
// Left to Asterisk, a REFER would move the caller out of our bridge into the dialplan; agent legs
// are therefore dialled with PJSIP_TRANSFER_HANDLING()=ari-only (wire.ts), and Asterisk reports the
// REFER as a ChannelTransfer event instead. The number the agent keyed is a colleague's agent
// number or a queue's number, and the transfer is then the same blind transfer as the API's (one
// agent leg with the caller when it is over, Q6); or a number with a flow of its own (the park
// number 700, the voicemail line): the caller leaves the ACD and goes on in that flow, as the same
// call, and a parked caller comes back to this agent (A5). The phone is told how it went through
// transfer_progress (a NOTIFY with a SIP fragment): answered (200) once the caller is handed over,
// unavailable (503) when the colleague cannot take it, declined (603) for a number we do not know
// or an attended transfer (REFER with Replaces: the consultation call was not placed through the
// ACD, so there is nothing of ours to join).
import { z } from 'zod';
import type { Logger } from '../ports.ts';
import type { Conversations } from './conversations.ts';
import type { QueueDirectory } from './directory.ts';
import type { AgentRegistry } from './presence.ts';
import { TransferError, type TransferTarget, type Transfers } from './transfers.ts';

/** transfer_progress states: what the phone hears back (as a SIP fragment). */
export type TransferProgress = 'channel_answered' | 'channel_unavailable' | 'channel_declined';

const channelTransferEvent = z.object({
  refer_to: z.object({
    requested_destination: z.object({ destination: z.string().optional() }).passthrough(),
  }),
  referred_by: z.object({ source_channel: z.object({ id: z.string() }) }),
});

/** The user part the agent keyed: '302', 'sip:302@pbx' and '302@pbx' all give '302'. */
export function keyedNumber(destination: string): string {
  return destination
    .replace(/^sips?:/i, '')
    .split(/[@;]/, 1)[0]!
    .trim();
}

/** Where a keyed number leads: the ACD's own transfer, or another number's flow. */
export type HandsetTarget = TransferTarget | { flowNumber: string };

export class HandsetTransfers {
  constructor(
    private readonly deps: {
      conversations: Conversations;
      transfers: Transfers;
      directory: QueueDirectory;
      agents: AgentRegistry;
      /** True when `number` has a flow of its own (not the default flow). */
      hasFlow(number: string): boolean;
      /** How the agent is dialled (a parked caller comes back to them). */
      dialOf(portalId: string, agentId: string): string | null;
      progress(channelId: string, state: TransferProgress): Promise<void>;
      log: Logger;
    },
  ) {}

  /** A colleague by agent number, a queue by its number (the account's own), else a flow's. */
  target(portalId: string, keyed: string): HandsetTarget | undefined {
    const colleague = this.deps.agents.inPortal(portalId).find((a) => a.row.number === keyed);
    if (colleague) return { agentId: colleague.row.id };
    const queue = this.deps.directory.byNumber(portalId, keyed);
    if (queue) return { queueId: queue.row.id };
    return keyed !== '' && this.deps.hasFlow(keyed) ? { flowNumber: keyed } : undefined;
  }

  async onChannelTransfer(raw: unknown): Promise<void> {
    const parsed = channelTransferEvent.safeParse(raw);
    if (!parsed.success) {
      this.deps.log.warn({ issues: parsed.error.issues }, 'ChannelTransfer event not understood');
      return;
    }
    const legId = parsed.data.referred_by.source_channel.id;
    const destination = parsed.data.refer_to.requested_destination.destination;
    const conv = this.deps.conversations.byAgentLeg(legId);
    const log = this.deps.log.child({ channelId: legId, destination });
    if (!conv) {
      // Not (or no longer) an agent talking with a queue caller: nothing to transfer.
      log.info({}, 'handset transfer outside a queue call declined');
      return this.tell(legId, 'channel_declined');
    }
    const portalId = conv.waiter.entry.portalId;
    const target = destination ? this.target(portalId, keyedNumber(destination)) : undefined;
    if (!target) {
      log.info(
        {},
        destination ? 'handset transfer to an unknown number' : 'attended handset transfer',
      );
      return this.tell(legId, 'channel_declined');
    }
    // Told before the agent's leg is hung up: the NOTIFY goes out on that leg.
    const accepted = () => this.tell(legId, 'channel_answered');
    try {
      if ('flowNumber' in target) {
        const by = this.deps.dialOf(portalId, conv.agentId);
        await this.deps.transfers.handOff(portalId, conv.agentId, target.flowNumber, by, accepted);
      } else await this.deps.transfers.blind(portalId, conv.agentId, target, accepted);
      log.info({ agentId: conv.agentId, target }, 'handset transfer');
    } catch (err) {
      if (!(err instanceof TransferError)) throw err;
      log.info({ reason: err.message }, 'handset transfer refused');
      await this.tell(legId, 'channel_unavailable');
    }
  }

  private async tell(channelId: string, state: TransferProgress): Promise<void> {
    await this.deps
      .progress(channelId, state)
      .catch((err: unknown) => this.deps.log.debug({ err, channelId }, 'phone already gone'));
  }
}
