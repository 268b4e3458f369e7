// Records what happened to a contact, each fact in ONE transaction with its outbox rows: the
// attempt's Call in the CRM, the RSVP property and timeline event, the workflow callback. The
// target row is updated only while we still hold its lease, so a late writer changes nothing.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { CallDirection, CallOutcome, type FinishedCall } from '../domain/call.ts';
import type { E164 } from '../domain/phone.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import { OutboxKind, type CrmRef } from '../outbox/kinds.ts';
import type { Clock } from '../ports.ts';
import { inTransaction } from '../store/transactions.ts';
import type { CampaignDefinition } from './definition.ts';
import {
  AttemptEntity,
  DncEntity,
  TargetEntity,
  TargetState,
  type AttemptRow,
  type CampaignRow,
  type TargetRow,
} from './entities.ts';
import type { EnrollmentCompletion } from './enroll-action.ts';
import { AttemptOutcome, nextStep, type NextStep, type Rsvp } from './policy.ts';

export interface AttemptReport {
  outcome: AttemptOutcome;
  answer: Rsvp | null;
  amdStatus: string | null;
  played: string[];
  channelId: string | null;
  answeredAt: number | null;
  endedAt: number;
}

function crmOutcome(o: AttemptOutcome): FinishedCall['outcome'] {
  switch (o) {
    case AttemptOutcome.Busy:
      return CallOutcome.Busy;
    case AttemptOutcome.NoAnswer:
    case AttemptOutcome.Machine:
      return CallOutcome.NoAnswer;
    case AttemptOutcome.Failed:
    case AttemptOutcome.Interrupted:
      return CallOutcome.Failed;
    case AttemptOutcome.Answered:
    case AttemptOutcome.Listened:
    case AttemptOutcome.MachineMessage:
    case AttemptOutcome.HungUp:
    case AttemptOutcome.OptedOut:
      return CallOutcome.Completed;
  }
}

/** What the contact's record says at the end (autoinformer result column). */
function resultOf(o: AttemptOutcome, step: NextStep): string | null {
  if (o === AttemptOutcome.Listened) return 'listened';
  if (o === AttemptOutcome.OptedOut) return 'opted-out';
  if (step.kind === 'failed') return 'failed';
  return null;
}

export class CampaignResults {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    private readonly owner: string,
    /** The workflow-action mechanism (absent: enrolled contacts' actions are not completed). */
    private readonly enrollments?: EnrollmentCompletion,
  ) {}

  /** Records the start of an attempt (attempt number = attempts so far + 1). */
  async begin(target: TargetRow): Promise<AttemptRow> {
    const attempt: AttemptRow = {
      id: randomUUID(),
      portalId: target.portalId,
      campaignId: target.campaignId,
      targetId: target.id,
      attemptNo: target.attempts + 1,
      state: 'dialling',
      outcome: null,
      answer: null,
      amdStatus: null,
      played: null,
      channelId: null,
      owner: this.owner,
      startedAt: this.clock.now(),
      answeredAt: null,
      endedAt: null,
    };
    await inTransaction(this.ds, async (m) => {
      // The unique (target, attempt_no) makes a second process's identical insert fail.
      await m.getRepository(AttemptEntity).insert(attempt);
      const res = await m
        .getRepository(TargetEntity)
        .update(
          { id: target.id, leaseToken: target.leaseToken ?? '' },
          { attempts: attempt.attemptNo, updatedAt: this.clock.now() },
        );
      if (res.affected !== 1) throw new Error('lost the lease on the contact before dialling');
    });
    return attempt;
  }

  /** Puts a claimed contact back without an attempt (window closed): due again at `at`. */
  async giveBack(target: TargetRow, at: number): Promise<void> {
    await this.ds.getRepository(TargetEntity).update(
      { id: target.id, leaseToken: target.leaseToken ?? '' },
      {
        state: TargetState.Pending,
        nextAttemptAt: at,
        leaseToken: null,
        leaseUntil: null,
        updatedAt: this.clock.now(),
      },
    );
  }

  /**
   * Not called, and why (do-not-call, no consent, no window ever). An enrolling workflow action
   * completes now with outcome 'skipped' rather than waiting for its expiry.
   */
  async skip(target: TargetRow, reason: string): Promise<void> {
    const announce = await inTransaction(this.ds, async (m) => {
      const res = await m.getRepository(TargetEntity).update(
        { id: target.id, leaseToken: target.leaseToken ?? '' },
        {
          state: TargetState.Skipped,
          skipReason: reason.slice(0, 200),
          result: 'skipped',
          leaseToken: null,
          leaseUntil: null,
          updatedAt: this.clock.now(),
        },
      );
      return res.affected === 1 ? this.completeEnrollment(m, target, 'skipped', null) : undefined;
    });
    announce?.();
  }

  async finish(
    campaign: CampaignRow,
    def: CampaignDefinition,
    target: TargetRow,
    attempt: AttemptRow,
    report: AttemptReport,
    step: NextStep,
  ): Promise<void> {
    const now = this.clock.now();
    const announce = await inTransaction(this.ds, async (m) => {
      await m.getRepository(AttemptEntity).update(
        { id: attempt.id },
        {
          state: 'finished',
          outcome: report.outcome,
          answer: report.answer,
          amdStatus: report.amdStatus,
          played: JSON.stringify(report.played),
          channelId: report.channelId,
          answeredAt: report.answeredAt,
          endedAt: report.endedAt,
        },
      );
      const state =
        step.kind === 'retry'
          ? TargetState.Pending
          : step.kind === 'sms'
            ? TargetState.AwaitingSms
            : step.kind === 'failed'
              ? TargetState.Failed
              : TargetState.Done;
      await m.getRepository(TargetEntity).update(
        { id: target.id, leaseToken: target.leaseToken ?? '' },
        {
          state,
          lastOutcome: report.outcome,
          ...(report.answer ? { rsvp: report.answer } : {}),
          result: resultOf(report.outcome, step),
          nextAttemptAt: step.kind === 'retry' ? step.at : target.nextAttemptAt,
          leaseToken: null,
          leaseUntil: null,
          updatedAt: now,
        },
      );
      if (report.outcome === AttemptOutcome.OptedOut) await this.optOut(m, target, 'keypad');
      await this.outbox.add(m, {
        portalId: target.portalId,
        kind: OutboxKind.Call,
        dedupeKey: `call:${attempt.id}`,
        payload: {
          call: {
            id: attempt.id,
            portalId: target.portalId,
            direction: CallDirection.Outbound,
            fromNumber: def.callerId,
            toNumber: target.phone,
            contactId: target.contactId,
            startedAt: attempt.startedAt,
            answeredAt: report.answeredAt,
            endedAt: report.endedAt,
            outcome: crmOutcome(report.outcome),
            note: `Campaign "${campaign.name}", attempt ${attempt.attemptNo}: ${report.outcome}${report.answer ? ` (${report.answer})` : ''}`,
          } satisfies FinishedCall,
          // The callee is looked up by number when the row named no contact.
          ...(target.contactId ? {} : { lookupCaller: target.phone as E164 }),
        },
      });
      if (report.answer) await this.rsvp(m, def, target, report.answer, 'phone', attempt.id);
      return step.kind === 'done' || step.kind === 'failed'
        ? this.completeEnrollment(m, target, report.outcome, report.answer ?? target.rsvp)
        : undefined;
    });
    announce?.();
  }

  /** After a crash: the attempt that was in progress ends as interrupted (never redialled as such). */
  async recoverInterrupted(campaign: CampaignRow, def: CampaignDefinition, target: TargetRow) {
    const open = await this.ds
      .getRepository(AttemptEntity)
      .findOneBy({ targetId: target.id, attemptNo: target.attempts, state: 'dialling' });
    if (!open) return this.giveBack(target, target.nextAttemptAt);
    const now = this.clock.now();
    const report: AttemptReport = {
      outcome: AttemptOutcome.Interrupted,
      answer: null,
      amdStatus: null,
      played: [],
      channelId: null,
      answeredAt: null,
      endedAt: now,
    };
    const step = nextStep(report.outcome, null, open.attemptNo, now, def);
    await this.finish(campaign, def, target, open, report, step);
  }

  /** An RSVP: the event's property on the contact and one timeline event per answer. */
  async rsvp(
    m: EntityManager,
    def: CampaignDefinition,
    target: TargetRow,
    answer: Rsvp,
    channel: 'phone' | 'sms',
    answerId: string,
  ): Promise<void> {
    if (!target.contactId || !def.event) return;
    const contact: CrmRef = { objectType: 'contacts', id: target.contactId };
    await this.outbox.add(m, {
      portalId: target.portalId,
      kind: OutboxKind.PropertyUpdate,
      dedupeKey: `props:contacts:${target.contactId}:rsvp-${answerId}`,
      payload: { object: contact, properties: { [def.event.rsvpProperty]: answer } },
    });
    await this.outbox.add(m, {
      portalId: target.portalId,
      kind: OutboxKind.TimelineEvent,
      dedupeKey: `timeline:rsvp-${answerId}`,
      payload: {
        eventId: `rsvp-${answerId}`,
        template: 'rsvp',
        object: contact,
        tokens: { event: def.event.name, answer, channel, campaign: def.name },
        at: this.clock.now(),
      },
    });
  }

  /**
   * Completes the workflow action that enrolled this contact (outputs outcome and rsvp), in the
   * caller's transaction; the returned function is called once that committed.
   */
  async completeEnrollment(
    m: EntityManager,
    target: TargetRow,
    outcome: string,
    rsvp: string | null,
  ): Promise<(() => void) | undefined> {
    if (!target.actionKey || !this.enrollments) return undefined;
    const done = await this.enrollments.completeWithin(m, target.portalId, target.actionKey, {
      outcome,
      rsvp: rsvp ?? 'none',
    });
    return done.announce;
  }

  async optOut(m: EntityManager, target: Pick<TargetRow, 'portalId' | 'phone'>, reason: string) {
    const repo = m.getRepository(DncEntity);
    const exists = await repo.findOneBy({ portalId: target.portalId, phone: target.phone });
    if (!exists)
      await repo.insert({
        portalId: target.portalId,
        phone: target.phone,
        reason,
        createdAt: this.clock.now(),
      });
  }
}
