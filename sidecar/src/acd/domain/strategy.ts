// Which agent gets the next call: pure, deterministic selection for every distribution
// strategy of a queue (MISSION Q2, A4). Given the agents that can take a call right now and
// what the strategy needs to know, returns the chosen agent id or null.
//
// Tie-breaks, the same for every strategy, so a result never depends on map order:
//   1. the strategy's own key (skill level, talk time, prefix length, …);
//   2. longest idle first (earliest `idleSince`);
//   3. lowest agent number (numeric when both are numbers, else text order).
// Strategies that target one agent (sticky, agent code, prefix) fall back to longest idle
// when that agent cannot take the call now (A4: "falling back to normal routing").

export const Strategies = [
  'round-robin',
  'skill',
  'sticky',
  'most-talk',
  'longest-idle',
  'agent-code',
  'caller-prefix',
] as const;
export type Strategy = (typeof Strategies)[number];

export interface Candidate {
  agentId: string;
  /** The agent's number (what callers type for the agent-code strategy). */
  number: string;
  /** Skill level in this queue; higher is better. */
  skillLevel: number;
  /** When the agent last became free (login or end of wrap-up), epoch ms. */
  idleSince: number;
  /** Position in the queue's member list, for round robin. */
  position: number;
}

export interface PrefixRule {
  prefix: string;
  agentId: string;
}

export interface SelectionContext {
  /** Round robin: position of the agent offered last in this queue (-1 = none yet). */
  lastPosition: number;
  /** Sticky: agent who last spoke with this caller within the window, if any. */
  stickyAgentId?: string | null;
  /** Agent code typed by the caller. */
  agentCode?: string;
  /** E.164 caller number, for prefix rules. */
  callerNumber?: string | null;
  prefixRules?: readonly PrefixRule[];
  /** Talk milliseconds produced per agent over the strategy's window. */
  talkMs?: ReadonlyMap<string, number>;
}

function byNumber(a: Candidate, b: Candidate): number {
  const na = Number(a.number);
  const nb = Number(b.number);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
}

/** Longest idle first, then lowest agent number. */
export function compareIdle(a: Candidate, b: Candidate): number {
  return a.idleSince - b.idleSince || byNumber(a, b);
}

function best(candidates: readonly Candidate[], cmp: (a: Candidate, b: Candidate) => number) {
  let chosen: Candidate | undefined;
  for (const c of candidates) if (!chosen || cmp(c, chosen) < 0) chosen = c;
  return chosen?.agentId ?? null;
}

function longestIdle(candidates: readonly Candidate[]): string | null {
  return best(candidates, compareIdle);
}

/** Digits only, so '+39 055' and '0039055' rules compare on the same spelling as E.164. */
function digits(s: string): string {
  return s.replace(/^\+/, '').replace(/^00/, '').replace(/\D/g, '');
}

export function selectAgent(
  strategy: Strategy,
  candidates: readonly Candidate[],
  ctx: SelectionContext,
): string | null {
  if (candidates.length === 0) return null;
  switch (strategy) {
    case 'round-robin': {
      // The next member after the one offered last, wrapping around the member list.
      const after = candidates.filter((c) => c.position > ctx.lastPosition);
      const pool = after.length > 0 ? after : candidates;
      return best(pool, (a, b) => a.position - b.position || byNumber(a, b));
    }
    case 'skill':
      return best(candidates, (a, b) => b.skillLevel - a.skillLevel || compareIdle(a, b));
    case 'longest-idle':
      return longestIdle(candidates);
    case 'most-talk': {
      const talk = (c: Candidate) => ctx.talkMs?.get(c.agentId) ?? 0;
      return best(candidates, (a, b) => talk(b) - talk(a) || compareIdle(a, b));
    }
    case 'sticky': {
      const sticky = candidates.find((c) => c.agentId === ctx.stickyAgentId);
      return sticky?.agentId ?? longestIdle(candidates);
    }
    case 'agent-code': {
      const code = ctx.agentCode?.trim();
      const wanted = code ? candidates.find((c) => c.number === code) : undefined;
      return wanted?.agentId ?? longestIdle(candidates);
    }
    case 'caller-prefix': {
      const caller = ctx.callerNumber ? digits(ctx.callerNumber) : '';
      const available = new Map(candidates.map((c) => [c.agentId, c]));
      // Longest matching prefix wins; among equal prefixes, the usual idle/number tie-break.
      const matching = (ctx.prefixRules ?? [])
        .filter((r) => caller !== '' && caller.startsWith(digits(r.prefix)))
        .filter((r) => available.has(r.agentId))
        .sort(
          (a, b) =>
            digits(b.prefix).length - digits(a.prefix).length ||
            compareIdle(available.get(a.agentId)!, available.get(b.agentId)!),
        );
      return matching[0]?.agentId ?? longestIdle(candidates);
    }
  }
}
