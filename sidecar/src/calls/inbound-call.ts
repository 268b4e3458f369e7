// The inbound path: caller ID → CRM lookup (bounded) while the flow runs → the call is logged
// with its outcome and queued for the CRM timeline.
import { randomUUID } from 'node:crypto';
import { CallDirection, CallOutcome, type FinishedCall } from '../domain/call.ts';
import { toE164 } from '../domain/phone.ts';
import type { CallOutboxPayload } from '../crm/call-sender.ts';
import type { CallContext, CallStep } from '../flows/steps.ts';
import type { Clock, ContactDirectory, Logger, LookupResult } from '../ports.ts';
import type { CallLog } from '../store/call-log.ts';
import { CallEndedError, type CallChannel } from '../telephony/port.ts';

export interface InboundCallDeps {
  clock: Clock;
  log: Logger;
  directory: ContactDirectory;
  callLog: CallLog;
  defaultCountry: string;
  lookupTimeoutMs: number;
  /** Portal the call belongs to (single-account mode: the one connected account). */
  portalFor(calledNumber: string): string;
  flowFor(calledNumber: string): CallStep[];
  onRouted?(ms: number): void;
  onRecorded?(call: FinishedCall): void;
}

export async function handleInboundCall(
  call: CallChannel,
  deps: InboundCallDeps,
): Promise<FinishedCall> {
  const calledRaw = call.info.args[1] ?? '';
  const portalId = deps.portalFor(calledRaw);
  const caller = toE164(call.info.callerNumber, deps.defaultCountry);
  const called = toE164(calledRaw, deps.defaultCountry);
  const log = deps.log.child({ channelId: call.info.id, caller: caller ?? call.info.callerNumber });

  const lookup: Promise<LookupResult> = caller
    ? deps.directory.findByPhone(portalId, caller, AbortSignal.timeout(deps.lookupTimeoutMs))
    : Promise.resolve({ kind: 'not-found' });

  const ctx: CallContext = { call, answeredAt: null, now: () => deps.clock.now() };
  let failed = false;
  try {
    for (const step of deps.flowFor(calledRaw)) await step.run(ctx);
  } catch (err) {
    if (!(err instanceof CallEndedError)) {
      failed = true;
      log.error({ err }, 'call step failed; hanging up');
      await call.hangup().catch(() => undefined);
    }
  }
  if (ctx.answeredAt !== null) deps.onRouted?.(ctx.answeredAt - call.startedAt);
  const end = await call.ended;
  const found = await lookup;
  const finished: FinishedCall = {
    id: randomUUID(),
    portalId,
    direction: CallDirection.Inbound,
    fromNumber: caller ?? call.info.callerNumber,
    toNumber: called ?? calledRaw,
    contactId: found.kind === 'found' ? found.contact.id : null,
    startedAt: call.startedAt,
    answeredAt: ctx.answeredAt,
    endedAt: end.at,
    outcome: failed
      ? CallOutcome.Failed
      : ctx.answeredAt === null
        ? CallOutcome.Canceled
        : CallOutcome.Completed,
    note:
      found.kind === 'unavailable'
        ? `CRM lookup unavailable during the call: ${found.reason}`
        : null,
  };
  const payload: CallOutboxPayload = {
    call: finished,
    ...(found.kind === 'unavailable' && caller ? { lookupCaller: caller } : {}),
  };
  await deps.callLog.record(finished, call.info.id, end.cause, payload);
  deps.onRecorded?.(finished);
  log.info(
    { callId: finished.id, contactId: finished.contactId, outcome: finished.outcome },
    'call logged',
  );
  return finished;
}
