// Agent states and the moves between them (Q3, Q4). Pure: the presence service applies them.
import type { AgentState } from '../port.ts';

export type AgentEvent =
  | { type: 'login' }
  | { type: 'logoff' }
  | { type: 'pause'; reason: string }
  | { type: 'unpause' }
  | { type: 'offer' }
  | { type: 'offer-failed' }
  | { type: 'answered' }
  | { type: 'hung-up'; wrapUp: boolean }
  | { type: 'wrap-up-done' };

export class AgentStateError extends Error {
  readonly code = 'AGENT_STATE';
  constructor(from: AgentState, event: AgentEvent['type']) {
    super(`agent cannot ${event} while ${from}`);
    this.name = 'AgentStateError';
  }
}

export interface StateChange {
  state: AgentState;
  pauseReason?: string;
}

/**
 * The state after `event`. Log off and pause are accepted in any state (a pause during a call
 * takes effect after it: the call-handling events below keep a paused agent paused).
 */
export function nextState(from: AgentState, event: AgentEvent): StateChange {
  switch (event.type) {
    case 'login':
      // Logging in again is harmless (a second phone login); it does not end a pause.
      return from === 'logged-off' ? { state: 'available' } : { state: from };
    case 'logoff':
      return { state: 'logged-off' };
    case 'pause':
      if (from === 'logged-off') throw new AgentStateError(from, event.type);
      return { state: 'paused', pauseReason: event.reason };
    case 'unpause':
      if (from === 'logged-off') throw new AgentStateError(from, event.type);
      return from === 'paused' ? { state: 'available' } : { state: from };
    case 'offer':
      if (from !== 'available') throw new AgentStateError(from, event.type);
      return { state: 'ringing' };
    case 'offer-failed':
      return from === 'ringing' ? { state: 'available' } : { state: from };
    case 'answered':
      return from === 'ringing' ? { state: 'busy' } : { state: from };
    case 'hung-up':
      if (from !== 'busy') return { state: from };
      return { state: event.wrapUp ? 'wrap-up' : 'available' };
    case 'wrap-up-done':
      return from === 'wrap-up' ? { state: 'available' } : { state: from };
  }
}
