// The pacing loop. For every running campaign it keeps the allowed lines busy while contacts
// are due: take a line (database lease), take a due contact (conditional UPDATE), check the
// do-not-call list, consent and the recipient's calling window AT THAT INSTANT, then dial.
// A finished call frees its line and immediately triggers the next pass, so lines refill
// without waiting for the poll timer.
import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import type { Clock, Logger } from '../ports.ts';
import { OriginateFailedError, type CallChannel, type Telephony } from '../telephony/port.ts';
import type { Client } from 'ari-client';
import { runCampaignCall, MAX_CALL_MS } from './call-script.ts';
import { Claims } from './claims.ts';
import { campaignDefinitionSchema, type CampaignDefinition } from './definition.ts';
import {
  CampaignEntity,
  CampaignState,
  DncEntity,
  TargetEntity,
  TargetState,
  type CampaignRow,
  type TargetRow,
} from './entities.ts';
import { mediaFor } from './message.ts';
import { AttemptOutcome, nextStep, outcomeOfOriginateFailure } from './policy.ts';
import type { CampaignResults, AttemptReport } from './results.ts';
import type { SmsOutreach } from './sms-outreach.ts';
import { windowAt } from './windows.ts';

export interface DialerOptions {
  pollMs: number;
  /** Dial string template; {number} is replaced, e.g. Local/{number}@campaign-dial. */
  dialTemplate: string;
  /** Line and contact lease (wall clock); renewed every third of it while a call lasts. */
  leaseMs: number;
}

/** Observes every dial (the bench and tests count lines and check windows with it). */
export interface DialObserver {
  onDial?(e: { campaignId: string; targetId: string; phone: string; at: number }): void;
  onHangup?(e: { campaignId: string; targetId: string; outcome: string }): void;
  /** A scheduling pass has finished (tests wait on passes to show that nothing was dialled). */
  onPass?(): void;
}

interface Active {
  lineToken: string;
  targetToken: string;
}

const truthy = (v: string | undefined) => /^(1|true|yes|y|si|sì|opt-?in)$/i.test(v?.trim() ?? '');

export class Dialer {
  private readonly claims: Claims;
  private readonly active = new Map<string, Active>();
  private readonly defs = new Map<string, { updatedAt: number; def: CampaignDefinition }>();
  private timer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private running = false;
  private passing: Promise<void> | undefined;
  private again = false;
  /** Wall time of the last look for contacts whose dialling process died. */
  private lastRecovery = 0;
  private readonly calls = new Set<Promise<void>>();

  constructor(
    private readonly ds: DataSource,
    private readonly telephony: Telephony & { client(): Client },
    private readonly results: CampaignResults,
    private readonly sms: SmsOutreach | undefined,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: DialerOptions,
    private readonly observer: DialObserver = {},
  ) {
    this.claims = new Claims(ds, opts.leaseMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = () => {
      this.nudge();
      this.timer = setTimeout(loop, this.opts.pollMs);
    };
    loop();
    this.renewTimer = setInterval(() => {
      const a = [...this.active.values()];
      this.claims
        .renew(
          a.map((x) => x.lineToken),
          a.map((x) => x.targetToken),
        )
        .catch((err: unknown) => this.log.warn({ err }, 'lease renewal failed'));
    }, this.opts.leaseMs / 3);
  }

  /** Stops dialling; calls in progress finish and are recorded. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    clearInterval(this.renewTimer);
    await this.passing;
    await Promise.all(this.calls);
  }

  activeCalls(): number {
    return this.active.size;
  }

  /** Runs a pass now (or right after the one in progress). */
  nudge(): void {
    if (!this.running) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.pass()
      .catch((err: unknown) => this.log.error({ err }, 'dialer pass failed'))
      .finally(() => {
        this.passing = undefined;
        this.observer.onPass?.();
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  private definition(c: CampaignRow): CampaignDefinition {
    const cached = this.defs.get(c.id);
    if (cached && cached.updatedAt === c.updatedAt) return cached.def;
    const def = campaignDefinitionSchema.parse(JSON.parse(c.definition));
    this.defs.set(c.id, { updatedAt: c.updatedAt, def });
    return def;
  }

  private async pass(): Promise<void> {
    await this.recoverCrashed();
    // Scheduled campaigns become running through their agenda job (campaign-start).
    const campaigns = await this.ds.getRepository(CampaignEntity).find({
      where: { state: In([CampaignState.Running]) },
    });
    for (const c of campaigns) {
      if (!this.running) return;
      await this.fill(c, this.definition(c));
    }
  }

  private async fill(c: CampaignRow, def: CampaignDefinition): Promise<void> {
    for (;;) {
      if (!this.running) return;
      const line = await this.claims.claimLine(c.id, def.maxLines);
      if (!line) return;
      const target = await this.claims.claimTarget(c.id, this.clock.now());
      if (!target) {
        await this.claims.releaseLine(line);
        await this.maybeComplete(c);
        return;
      }
      const go = await this.screen(c, def, target);
      if (!go) {
        await this.claims.releaseLine(line);
        continue;
      }
      this.active.set(target.id, { lineToken: line, targetToken: target.leaseToken ?? '' });
      const call = this.attempt(c, def, target)
        .catch((err: unknown) =>
          this.log.error({ err, targetId: target.id }, 'campaign attempt failed'),
        )
        .finally(() => {
          this.active.delete(target.id);
          this.calls.delete(call);
          void this.claims
            .releaseLine(line)
            .catch((err: unknown) => this.log.warn({ err }, 'line release failed'))
            .finally(() => this.nudge());
        });
      this.calls.add(call);
    }
  }

  /** Do-not-call, consent, SMS-instead and the calling window, checked now. True = dial. */
  private async screen(c: CampaignRow, def: CampaignDefinition, t: TargetRow): Promise<boolean> {
    const vars = JSON.parse(t.variables) as Record<string, string>;
    const dnc = await this.ds
      .getRepository(DncEntity)
      .findOneBy({ portalId: t.portalId, phone: t.phone });
    if (dnc) {
      await this.results.skip(t, `do-not-call (${dnc.reason})`);
      return false;
    }
    if (def.consentVariable && !truthy(vars[def.consentVariable])) {
      await this.results.skip(t, `no consent (${def.consentVariable})`);
      return false;
    }
    const now = this.clock.now();
    const w = windowAt(now, t.timeZone, def);
    if (!w.open) {
      if (w.opensAt === null) await this.results.skip(t, 'no calling window in the next two weeks');
      else await this.results.giveBack(t, w.opensAt);
      return false;
    }
    if (def.sms?.mode === 'instead' && this.sms) {
      await this.sms.invite(c, def, t);
      return false;
    }
    return true;
  }

  private async attempt(c: CampaignRow, def: CampaignDefinition, target: TargetRow): Promise<void> {
    const attempt = await this.results.begin(target);
    const vars = JSON.parse(target.variables) as Record<string, string>;
    const media = mediaFor(def.message, vars);
    // The window was checked an instant ago; dial at once.
    this.observer.onDial?.({
      campaignId: c.id,
      targetId: target.id,
      phone: target.phone,
      at: this.clock.now(),
    });
    const leaveMessage = def.amd.enabled && def.amd.onMachine === 'leave-message';
    let report: AttemptReport;
    let channel: CallChannel | undefined;
    try {
      channel = await this.telephony.originate({
        endpoint: this.opts.dialTemplate.replace('{number}', target.phone),
        callerId: def.callerId,
        // Answered only once AMD has decided (up to 5 s) and, to leave a message on a machine,
        // once its greeting has ended ([campaign-amd]).
        timeoutSec: def.ringSeconds + (def.amd.enabled ? 6 : 0) + (leaveMessage ? 20 : 0),
        args: ['campaign', attempt.id],
        variables: { __CAMPAIGN_AMD: !def.amd.enabled ? '0' : leaveMessage ? '2' : '1' },
      });
    } catch (err) {
      const reason = err instanceof OriginateFailedError ? err.reason : String(err);
      report = {
        outcome:
          err instanceof OriginateFailedError
            ? outcomeOfOriginateFailure(reason)
            : AttemptOutcome.Failed,
        answer: null,
        amdStatus: null,
        played: [],
        channelId: null,
        answeredAt: null,
        endedAt: this.clock.now(),
      };
    }
    if (channel) {
      const answeredAt = this.clock.now();
      const amdStatus = def.amd.enabled ? await this.amdStatus(channel.info.id) : null;
      const limit = setTimeout(() => void channel.hangup().catch(() => undefined), MAX_CALL_MS);
      // A guard, not work: a call cut off by shutdown must not keep the process alive.
      limit.unref();
      try {
        const r = await runCampaignCall(channel, def, media, amdStatus);
        if (!channel.isEnded()) await channel.hangup().catch(() => undefined);
        report = {
          ...r,
          amdStatus,
          channelId: channel.info.id,
          answeredAt,
          endedAt: this.clock.now(),
        };
      } finally {
        clearTimeout(limit);
      }
    }
    const step = nextStep(
      report!.outcome,
      report!.answer,
      attempt.attemptNo,
      this.clock.now(),
      def,
    );
    await this.results.finish(c, def, target, attempt, report!, step);
    try {
      if (step.kind === 'sms' && this.sms)
        await this.sms.invite(c, def, { ...target, leaseToken: null });
    } finally {
      this.observer.onHangup?.({ campaignId: c.id, targetId: target.id, outcome: report!.outcome });
    }
  }

  private async amdStatus(channelId: string): Promise<string | null> {
    try {
      const v = await this.telephony
        .client()
        .channels.getChannelVar({ channelId, variable: 'CAMPAIGN_AMD_STATUS' });
      return v.value || null;
    } catch {
      return null;
    }
  }

  /** Running campaign with nothing left to do: completed. */
  private async maybeComplete(c: CampaignRow): Promise<void> {
    const repo = this.ds.getRepository(TargetEntity);
    // An empty campaign waits for contacts (workflow enrollments arrive one by one).
    if ((await repo.count({ where: { campaignId: c.id } })) === 0) return;
    const open = await repo.count({
      where: {
        campaignId: c.id,
        state: In([TargetState.Pending, TargetState.Dialling, TargetState.AwaitingSms]),
      },
    });
    if (open > 0) return;
    await this.ds
      .getRepository(CampaignEntity)
      .update(
        { id: c.id, state: CampaignState.Running },
        { state: CampaignState.Completed, updatedAt: this.clock.now() },
      );
  }

  /** Contacts whose dialling process died mid-attempt: that attempt counts, as interrupted. */
  private async recoverCrashed(): Promise<void> {
    // A lease runs out at most every lease period, so looking more often than a few times per
    // period finds nothing new; this keeps the scan off the path of every pass.
    const now = Date.now();
    if (now - this.lastRecovery < this.claims.leaseMs / 4) return;
    this.lastRecovery = now;
    for (const t of await this.claims.expiredTargets()) {
      const c = await this.ds.getRepository(CampaignEntity).findOneBy({ id: t.campaignId });
      if (!c) continue;
      const def = this.definition(c);
      const taken = await this.ds
        .getRepository(TargetEntity)
        .createQueryBuilder()
        .update()
        .set({ leaseToken: randomUUID() })
        .where('id = :id AND lease_token = :old', { id: t.id, old: t.leaseToken })
        .execute();
      if (taken.affected !== 1) continue;
      const mine = await this.ds.getRepository(TargetEntity).findOneByOrFail({ id: t.id });
      await this.results.recoverInterrupted(c, def, mine);
      this.log.warn({ targetId: t.id }, 'campaign attempt interrupted by a crash; recovered');
    }
  }
}
