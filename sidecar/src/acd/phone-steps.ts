// Call steps the ACD adds to flows: put the caller in a queue, and the agents' feature codes
// (Q4) — log in, log off, pause, resume by phone with agent number and PIN.
//
//   *45  log in     *46  log off     *47  pause     *48  resume
// Each asks "agent number, then #" and "PIN, then #".
import { toE164 } from '../domain/phone.ts';
import type { CallContext, CallStep } from '../flows/steps.ts';
import type { Logger } from '../ports.ts';
import type { CallQueues, QueueResult } from './port.ts';
import type { AgentRegistry } from './presence.ts';
import { pinMatches, type AcdRepository } from './store/acd-repository.ts';

export const FeatureCodes = {
  '*45': 'login',
  '*46': 'logoff',
  '*47': 'pause',
  '*48': 'unpause',
} as const;
export type FeatureAction = (typeof FeatureCodes)[keyof typeof FeatureCodes];

export function featureFor(calledNumber: string): FeatureAction | undefined {
  return (FeatureCodes as Record<string, FeatureAction>)[calledNumber];
}

const DIGITS = { max: 12, firstDigitMs: 8000, interDigitMs: 4000, terminator: '#' };

export class AgentFeatureStep implements CallStep {
  readonly name = 'agent-feature';
  constructor(
    private readonly action: FeatureAction,
    private readonly portalId: string,
    private readonly repo: AcdRepository,
    private readonly agents: AgentRegistry,
    private readonly log: Logger,
  ) {}

  async run(ctx: CallContext): Promise<void> {
    const { call } = ctx;
    await call.answer();
    ctx.answeredAt = ctx.now();
    await call.play('sound:agent-user');
    const number = await call.collectDigits(DIGITS);
    await call.play('sound:agent-pass');
    const pin = await call.collectDigits(DIGITS);
    const agent = number ? await this.repo.findAgentByNumber(this.portalId, number) : null;
    // One answer for unknown agent and wrong PIN: the phone must not reveal which agents exist.
    if (
      !agent ||
      !pin ||
      !pinMatches(pin, agent.pinHash) ||
      !this.agents.live(this.portalId, agent.id)
    ) {
      this.log.warn({ agentNumber: number, action: this.action }, 'agent feature code refused');
      await call.play('sound:agent-incorrect');
      await call.hangup();
      return;
    }
    const status =
      this.action === 'pause'
        ? await this.agents.pause(this.portalId, agent.id, 'phone')
        : await this.agents[this.action](this.portalId, agent.id).catch(() => null);
    this.log.info(
      { agentId: agent.id, action: this.action, state: status?.state },
      'agent feature code',
    );
    await call.play(
      status === null
        ? 'sound:agent-incorrect'
        : this.action === 'logoff'
          ? 'sound:agent-loggedoff'
          : 'sound:agent-loginok',
    );
    await call.hangup();
  }
}

export interface EnqueueOptions {
  priorityOf?(portalId: string, callerNumber: string | null): number;
  /** Agent-code queues: ask the caller for the agent's number first. */
  agentCodePrompt?: boolean;
}

/** Puts the caller in a queue; hangs up after a conversation, says sorry otherwise. */
export class EnqueueStep implements CallStep {
  readonly name = 'queue';
  constructor(
    private readonly queues: CallQueues,
    private readonly portalId: string,
    private readonly queueId: string,
    private readonly defaultCountry: string,
    private readonly opts: EnqueueOptions = {},
  ) {}

  async run(ctx: CallContext): Promise<void> {
    const { call } = ctx;
    const callerNumber = toE164(call.info.callerNumber, this.defaultCountry) ?? null;
    let agentCode: string | undefined;
    if (this.opts.agentCodePrompt) {
      await call.answer();
      await call.play('sound:vm-enter-num-to-call');
      agentCode = (await call.collectDigits(DIGITS)) || undefined;
    }
    ctx.answeredAt ??= ctx.now();
    const result: QueueResult = await this.queues.enqueue({
      portalId: this.portalId,
      queueId: this.queueId,
      call,
      callerNumber,
      priority: this.opts.priorityOf?.(this.portalId, callerNumber) ?? 0,
      ...(agentCode !== undefined ? { agentCode } : {}),
      ...(ctx.callId !== undefined ? { callId: ctx.callId } : {}),
    });
    if (result.kind === 'answered' && result.recordingUrl) ctx.recordingUrl = result.recordingUrl;
    if (call.isEnded()) return;
    if (result.kind === 'handed-off') {
      ctx.handOff = { number: result.number, by: result.by };
      return;
    }
    if (result.kind === 'overflow') await call.play('sound:vm-nobodyavail');
    await call.hangup();
  }
}
