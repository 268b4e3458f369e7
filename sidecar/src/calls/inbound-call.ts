// The inbound path: caller ID → CRM lookup (bounded) while the flow runs → the call is logged
// with its outcome and queued for the CRM timeline.
import { randomUUID } from 'node:crypto';
import { CallDirection, CallOutcome, type FinishedCall } from '../domain/call.ts';
import { toE164 } from '../domain/phone.ts';
import type { CallOutboxPayload } from '../crm/call-sender.ts';
import { runSteps, type FlowContext, type FlowStep } from '../routing/context.ts';
import type { Clock, ContactDirectory, Logger, LookupResult } from '../ports.ts';
import type { CallLog } from '../store/call-log.ts';
import { CallEndedError, type CallChannel } from '../telephony/port.ts';

/** Agents handing the same caller on to other numbers' flows, at most (a loop ends here). */
const MAX_HAND_OFFS = 5;

export interface InboundCallDeps {
  clock: Clock;
  log: Logger;
  directory: ContactDirectory;
  callLog: CallLog;
  defaultCountry: string;
  lookupTimeoutMs: number;
  /** Portal the call belongs to (single-account mode: the one connected account). */
  portalFor(calledNumber: string): string;
  /** The steps for a called number (routing: the DID's flow; Answer/Play/Hangup fit too). */
  flowFor(calledNumber: string): readonly FlowStep[];
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

  const ctx: FlowContext = {
    call,
    answeredAt: null,
    now: () => deps.clock.now(),
    portalId,
    callId: randomUUID(),
    caller: caller ?? null,
    called: calledRaw,
    lookup,
    vars: new Map(),
    route: [],
    notes: [],
    contactId: null,
    recordingUrl: null,
    jumps: 0,
  };
  let failed = false;
  try {
    await runSteps(deps.flowFor(calledRaw), ctx);
    // Handed to another number's flow by an agent (e.g. parked): the same call goes on there,
    // and stays one call in the CRM. Bounded, as goto is, against a loop of hand-offs.
    for (let hops = 0; ctx.handOff && !call.isEnded() && hops < MAX_HAND_OFFS; hops++) {
      const { number, by } = ctx.handOff;
      delete ctx.handOff;
      ctx.transferredBy = by;
      ctx.route.push(`handoff:${number}`);
      await runSteps(deps.flowFor(number), ctx);
    }
    // A flow that ends without hanging up must not leave the caller in silence.
    if (!call.isEnded()) await call.hangup();
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
    id: ctx.callId,
    portalId,
    direction: CallDirection.Inbound,
    fromNumber: caller ?? call.info.callerNumber,
    toNumber: called ?? calledRaw,
    contactId: found.kind === 'found' ? found.contact.id : ctx.contactId,
    startedAt: call.startedAt,
    answeredAt: ctx.answeredAt,
    endedAt: end.at,
    outcome: failed
      ? CallOutcome.Failed
      : ctx.answeredAt === null
        ? CallOutcome.Canceled
        : CallOutcome.Completed,
    note: callNote(found, ctx),
    ...(ctx.recordingUrl ? { recordingUrl: ctx.recordingUrl } : {}),
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

/** What routing decided and why, for the CRM call body (bounded by the column size). */
function callNote(found: LookupResult, ctx: FlowContext): string | null {
  const lines = [
    found.kind === 'unavailable' ? `CRM lookup unavailable during the call: ${found.reason}` : null,
    ctx.route.length > 0 ? `Route: ${ctx.route.join(' → ')}` : null,
    ...ctx.notes,
  ].filter((l): l is string => l !== null);
  if (lines.length === 0) return null;
  const note = lines.join('\n');
  return note.length > 1000 ? `${note.slice(0, 999)}…` : note;
}
