// Hands the caller to the ACD and continues the flow when nobody answers (V7): overflow and
// "no agents" run their branch, so the caller hears a message or reaches voicemail instead of
// a busy or dead line.
import type { CallQueues, QueueResult } from '../../acd/port.ts';
import type { FlowNode } from '../flow-schema.ts';
import { branch, type FlowContext, type FlowStep } from '../context.ts';

type QueueNode = Extract<FlowNode, { type: 'queue' }>;

export class QueueStep implements FlowStep {
  readonly name = 'queue';
  constructor(
    private readonly def: QueueNode,
    private readonly queues: CallQueues,
    private readonly overflow: readonly FlowStep[],
    private readonly noAgents: readonly FlowStep[] | undefined,
  ) {}

  async run(ctx: FlowContext): Promise<'stop'> {
    const queue = this.def.queue;
    ctx.route.push(`queue:${queue}`);
    const result: QueueResult = this.queues.has(ctx.portalId, queue)
      ? await this.queues.enqueue({
          portalId: ctx.portalId,
          queueId: queue,
          call: ctx.call,
          callerNumber: ctx.caller,
          ...(ctx.contactId ? { contactId: ctx.contactId } : await contactOf(ctx)),
          priority: this.def.priority,
          callId: ctx.callId,
        })
      : { kind: 'overflow', reason: 'no-agents', waitMs: 0 };
    switch (result.kind) {
      case 'answered':
        ctx.notes.push(`Answered in queue ${queue} by agent ${result.agentId}`);
        if (result.recordingUrl) ctx.recordingUrl = result.recordingUrl;
        return 'stop';
      case 'handed-off':
        ctx.notes.push(`Transferred by agent ${result.agentId} to ${result.number}`);
        ctx.handOff = { number: result.number, by: result.by };
        return 'stop';
      case 'abandoned':
        ctx.notes.push(
          `Caller hung up waiting in queue ${queue} (${Math.round(result.waitMs / 1000)} s)`,
        );
        return 'stop';
      case 'overflow':
        ctx.route.push(`overflow:${result.reason}`);
        ctx.notes.push(
          result.reason === 'no-agents'
            ? `Queue ${queue}: no agents available; overflow taken`
            : `Queue ${queue}: waited ${Math.round(result.waitMs / 1000)} s without an answer; overflow taken`,
        );
        return branch(
          result.reason === 'no-agents' && this.noAgents ? this.noAgents : this.overflow,
          ctx,
        );
    }
  }
}

/** The contact caller ID found, if the lookup has already answered (never waits for it). */
async function contactOf(ctx: FlowContext): Promise<{ contactId?: string }> {
  const found = await Promise.race([ctx.lookup, Promise.resolve(undefined)]);
  if (!found) return {};
  return found.kind === 'found' ? { contactId: found.contact.id } : {};
}
