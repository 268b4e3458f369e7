// Support hotline gated by contract (S1–S6): identify the caller (remembered number, then
// caller ID in the CRM, then a customer code typed on the keypad), read the contract status,
// and send paid customers to support and everyone else to sales. The CRM is asked with a
// bound; when it is slow or down the caller is routed by the last known status or to the
// fallback branch, and the call record says so.
import type { Logger } from '../../ports.ts';
import type { FlowNode } from '../flow-schema.ts';
import { branch, playAll, type FlowContext, type FlowStep } from '../context.ts';
import type { CrmCustomers } from '../crm-customers.ts';
import type { CustomerRef, RememberedNumbers } from '../remembered-numbers.ts';

type GateNode = Extract<FlowNode, { type: 'support-gate' }>;

export interface GateBranches {
  paid: readonly FlowStep[];
  other: readonly FlowStep[];
  fallback: readonly FlowStep[];
}

type Identified =
  | { kind: 'found'; ref: CustomerRef; how: string }
  | { kind: 'invalid-code'; attempts: number }
  | { kind: 'unavailable'; reason: string };

/** Pure: does this contract status count as paid and valid? */
export function isPaidStatus(status: string | null, paidValues: readonly string[]): boolean {
  if (status === null) return false;
  const s = status.trim().toLowerCase();
  return paidValues.some((v) => v.trim().toLowerCase() === s);
}

const singular = (ref: CustomerRef) => (ref.type === 'companies' ? 'company' : 'contact');

export class SupportGateStep implements FlowStep {
  readonly name = 'support-gate';
  constructor(
    private readonly def: GateNode,
    private readonly crm: CrmCustomers,
    private readonly remembered: RememberedNumbers,
    private readonly log: Logger,
    private readonly branches: GateBranches,
  ) {}

  async run(ctx: FlowContext): Promise<'stop'> {
    const who = await this.identify(ctx);
    if (who.kind === 'invalid-code') {
      ctx.route.push('gate:invalid-code');
      ctx.notes.push(`Support gate: no valid customer code after ${who.attempts} attempts`);
      return branch(this.branches.other, ctx);
    }
    if (who.kind === 'unavailable') return this.fallback(ctx, who.reason);
    if (who.ref.type === 'contacts') ctx.contactId ??= who.ref.id;

    const contract = await this.crm.contractStatus(
      ctx.portalId,
      who.ref,
      { object: this.def.contractObject, property: this.def.contractProperty },
      this.def.crmTimeoutMs,
    );
    if (contract.kind === 'unavailable') return this.fallback(ctx, contract.reason);
    const paid = isPaidStatus(contract.status, this.def.paidValues);
    const status = contract.status ?? 'none';
    ctx.route.push(paid ? 'gate:paid' : `gate:not-paid(${status})`);
    ctx.notes.push(
      `Support gate: ${singular(who.ref)} ${who.ref.id} identified by ${who.how}; contract ${this.def.contractProperty}=${status} → ${paid ? 'support' : 'sales'}`,
    );
    if (contract.kind === 'cached')
      ctx.notes.push(
        `CRM unavailable (${contract.reason}): routed by the contract status cached ${Math.round(contract.ageMs / 1000)} s ago`,
      );
    return branch(paid ? this.branches.paid : this.branches.other, ctx);
  }

  private fallback(ctx: FlowContext, reason: string): Promise<'stop'> {
    ctx.route.push('gate:fallback');
    ctx.notes.push(`Support gate: CRM unavailable (${reason}); fallback route taken`);
    return branch(this.branches.fallback, ctx);
  }

  private async identify(ctx: FlowContext): Promise<Identified> {
    if (ctx.caller) {
      try {
        const ref = await this.remembered.find(ctx.portalId, ctx.caller);
        if (ref) return { kind: 'found', ref, how: 'remembered number' };
      } catch (err) {
        this.log.warn({ err }, 'remembered numbers unreadable');
      }
      const found = await ctx.lookup;
      if (found.kind === 'found')
        return { kind: 'found', ref: { type: 'contacts', id: found.contact.id }, how: 'caller ID' };
      if (found.kind === 'unavailable') return { kind: 'unavailable', reason: found.reason };
    }
    return this.askCode(ctx);
  }

  private async askCode(ctx: FlowContext): Promise<Identified> {
    for (let attempt = 1; attempt <= this.def.maxAttempts; attempt++) {
      await playAll(ctx, this.def.prompt, { stopOnDigit: true });
      const code = await ctx.call.collectDigits({
        max: this.def.codeMaxDigits,
        firstDigitMs: this.def.codeTimeoutMs,
        interDigitMs: 3000,
        terminator: '#',
      });
      if (code !== '') {
        const answer = await this.crm.findByCode(
          ctx.portalId,
          this.def.codeObject,
          this.def.codeProperty,
          code,
          this.def.crmTimeoutMs,
        );
        if (answer.kind === 'unavailable') return answer;
        if (answer.value) {
          await this.rememberCaller(ctx, answer.value);
          return { kind: 'found', ref: answer.value, how: 'customer code' };
        }
      }
      await ctx.call.play(this.def.invalidMedia);
    }
    return { kind: 'invalid-code', attempts: this.def.maxAttempts };
  }

  /** S6: the number that identified itself by code needs no code next time. */
  private async rememberCaller(ctx: FlowContext, ref: CustomerRef): Promise<void> {
    if (!ctx.caller) return;
    try {
      await this.remembered.remember(ctx.portalId, ctx.caller, ref);
      ctx.notes.push(`Number ${ctx.caller} remembered for ${singular(ref)} ${ref.id}`);
    } catch (err) {
      this.log.warn({ err }, 'could not remember the caller number');
    }
  }
}
