// Click-to-call: ring the agent's phone first, then the customer through the trunk, and bridge
// them. Progress goes to the agent's widget as events; the call ends when either side hangs up
// or the agent presses hang up in the widget.
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../ports.ts';
import type { BridgeHandle } from '../telephony/bridges.ts';
import {
  OriginateFailedError,
  type CallChannel,
  type OriginateRequest,
} from '../telephony/port.ts';
import { viewOf } from './call-view.ts';
import {
  endStatusForOriginateFailure,
  engagementOwnerFor,
  type EndStatus,
} from './engagement-ownership.ts';
import type { WidgetEvents } from './events.ts';
import type { WidgetCallRow } from './widget-call-entity.ts';
import type { WidgetCallStore } from './widget-call-store.ts';

export interface ClickToCallTelephony {
  originate(req: OriginateRequest): Promise<CallChannel>;
  bridge(name?: string): Promise<BridgeHandle>;
  /** Hangs up a channel that may still be ringing (no-op when it is gone). */
  hangupChannel(channelId: string): Promise<void>;
}

export interface ClickToCallOptions {
  /** Dial string for the agent's phone; `{agent}` is replaced by the agent id. */
  agentDial: string;
  /** Dial string for the customer; `{number}` = E.164, `{digits}` = E.164 without '+'. */
  customerDial: string;
  callerId?: string;
  ringTimeoutSec: number;
}

interface Active {
  row: WidgetCallRow;
  hangupRequested: boolean;
  legs: CallChannel[];
  /** Channel ids of legs still ringing: hang-up cancels them. */
  ringing: Set<string>;
  done: Promise<void>;
  wake: () => void;
}

/** Thrown when a value would change the meaning of a dial string (e.g. '@', '&', '/'). */
export class UnsafeDialValueError extends Error {}

export function dialString(template: string, values: { agent?: string; number?: string }): string {
  if (values.agent !== undefined && !/^[A-Za-z0-9_.-]+$/.test(values.agent))
    throw new UnsafeDialValueError(`agent id ${JSON.stringify(values.agent)} cannot be dialled`);
  if (values.number !== undefined && !/^\+?\d+$/.test(values.number))
    throw new UnsafeDialValueError(`number ${JSON.stringify(values.number)} cannot be dialled`);
  return template
    .replaceAll('{agent}', values.agent ?? '')
    .replaceAll('{number}', values.number ?? '')
    .replaceAll('{digits}', (values.number ?? '').replace(/^\+/, ''));
}

export class ClickToCall {
  private readonly active = new Map<string, Active>();

  constructor(
    private readonly telephony: ClickToCallTelephony,
    private readonly store: WidgetCallStore,
    private readonly events: WidgetEvents,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: ClickToCallOptions,
  ) {}

  /** Starts the call and returns its id at once; progress arrives as widget events. */
  async start(input: {
    portalId: string;
    agentId: string;
    toNumber: string;
    fromNumber: string;
    contactId: string | null;
  }): Promise<WidgetCallRow> {
    // Refuse before anything is stored or dialled.
    dialString(this.opts.agentDial, { agent: input.agentId, number: input.toNumber });
    const row: WidgetCallRow = {
      id: randomUUID(),
      portalId: input.portalId,
      agentId: input.agentId,
      direction: 'OUTBOUND',
      fromNumber: input.fromNumber,
      toNumber: input.toNumber,
      contactId: input.contactId,
      engagementOwner: engagementOwnerFor('click-to-call'),
      engagementId: null,
      disposition: null,
      state: 'agent-ringing',
      endStatus: null,
      createdAt: this.clock.now(),
      answeredAt: null,
      endedAt: null,
    };
    await this.store.insert(row);
    let wake!: () => void;
    const woken = new Promise<void>((r) => (wake = r));
    const active: Active = {
      row,
      hangupRequested: false,
      legs: [],
      ringing: new Set(),
      done: Promise.resolve(),
      wake,
    };
    this.active.set(row.id, active);
    this.emit(row);
    active.done = this.run(active, woken)
      .catch(async (err: unknown) => {
        // Never leave a phone connected to nothing.
        this.log.error({ err, callId: row.id }, 'click-to-call failed');
        await Promise.all(active.legs.map((l) => l.hangup().catch(() => undefined)));
      })
      .finally(() => this.active.delete(row.id));
    return row;
  }

  /** The agent pressed hang up: ends the call in whatever phase it is. */
  async hangup(portalId: string, agentId: string, callId: string): Promise<boolean> {
    const a = this.active.get(callId);
    if (!a || a.row.portalId !== portalId || a.row.agentId !== agentId) return false;
    a.hangupRequested = true;
    a.wake();
    await Promise.all([...a.ringing].map((id) => this.telephony.hangupChannel(id)));
    await Promise.all(a.legs.map((leg) => leg.hangup().catch(() => undefined)));
    return true;
  }

  /** Resolves when every call in progress has ended (tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /** Shutdown: ends every call in progress and waits until each is logged. */
  async hangupAll(): Promise<void> {
    for (const a of this.active.values())
      await this.hangup(a.row.portalId, a.row.agentId, a.row.id);
    await this.idle();
  }

  private emit(row: WidgetCallRow): void {
    this.events.publish(row.portalId, row.agentId, { type: 'call', call: viewOf(row) });
  }

  private async run(a: Active, woken: Promise<void>): Promise<void> {
    const { row } = a;
    const log = this.log.child({ callId: row.id, agentId: row.agentId });
    const leg = async (req: OriginateRequest): Promise<CallChannel> => {
      const channelId = randomUUID();
      a.ringing.add(channelId);
      let channel: CallChannel;
      try {
        channel = await this.telephony.originate({ ...req, channelId });
      } finally {
        a.ringing.delete(channelId);
      }
      a.legs.push(channel);
      // Hang up pressed while this leg was ringing: drop it as soon as it answers.
      if (a.hangupRequested) await channel.hangup().catch(() => undefined);
      return channel;
    };
    let finished = false;
    let bridge: BridgeHandle | undefined;
    const finish = async (status: EndStatus, cause: string, channelId: string) => {
      if (finished) return;
      finished = true;
      await Promise.all(a.legs.map((l) => l.hangup().catch(() => undefined)));
      // Gone before the 'ended' event: whoever sees the call ended sees no bridge left either.
      await bridge?.destroy().catch(() => undefined);
      const endedAt = this.clock.now();
      const answeredAt = row.answeredAt;
      await this.store.endClickToCall(row, { status, endedAt, answeredAt, channelId, cause });
      Object.assign(row, { state: 'ended', endStatus: status, endedAt });
      this.emit(row);
      log.info({ status, cause }, 'click-to-call ended');
    };

    let agent: CallChannel;
    try {
      agent = await leg({
        endpoint: dialString(this.opts.agentDial, { agent: row.agentId, number: row.toNumber }),
        callerId: row.toNumber,
        timeoutSec: this.opts.ringTimeoutSec,
        args: ['widget', row.id, 'agent'],
      });
    } catch (err) {
      const reason = err instanceof OriginateFailedError ? err.reason : String(err);
      log.warn({ reason }, "agent's phone did not answer");
      return finish(a.hangupRequested ? 'CANCELED' : 'FAILED', `agent: ${reason}`, '');
    }
    if (a.hangupRequested) return finish('CANCELED', 'hung up in the widget', agent.info.id);

    // The agent hangs up while the customer's phone rings: stop ringing it.
    void agent.ended.then(() =>
      Promise.all([...a.ringing].map((id) => this.telephony.hangupChannel(id))),
    );
    row.state = 'customer-ringing';
    await this.store.update(row.portalId, row.id, { state: row.state });
    this.emit(row);
    let customer: CallChannel;
    try {
      customer = await leg({
        endpoint: dialString(this.opts.customerDial, { agent: row.agentId, number: row.toNumber }),
        ...(this.opts.callerId ? { callerId: this.opts.callerId } : {}),
        timeoutSec: this.opts.ringTimeoutSec,
        args: ['widget', row.id, 'customer'],
      });
    } catch (err) {
      const reason = err instanceof OriginateFailedError ? err.reason : String(err);
      // Cancelled by us (widget hang-up, or the agent left) rather than refused by the customer.
      const status =
        a.hangupRequested || agent.isEnded() ? 'CANCELED' : endStatusForOriginateFailure(reason);
      return finish(status, `customer: ${reason}`, agent.info.id);
    }
    if (a.hangupRequested || agent.isEnded())
      return finish('CANCELED', 'agent left before the customer answered', agent.info.id);

    try {
      bridge = await this.telephony.bridge(`widget-${row.id}`);
      await bridge.add([agent.info.id, customer.info.id]);
      row.state = 'connected';
      row.answeredAt = this.clock.now();
      await this.store.update(row.portalId, row.id, {
        state: row.state,
        answeredAt: row.answeredAt,
      });
      this.emit(row);
      // Talk until either side (or the widget) hangs up.
      await Promise.race([agent.ended, customer.ended, woken]);
      await finish('COMPLETED', 'Normal Clearing', customer.info.id);
    } catch (err) {
      log.error({ err }, 'bridging failed');
      await finish('FAILED', 'bridging failed', customer.info.id);
    }
  }
}
