// The ports the core depends on. Adapters implement them; main.ts wires them.
import type { E164 } from './domain/phone.ts';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

export interface CrmContact {
  id: string;
  firstname?: string | null;
  lastname?: string | null;
}

export type LookupResult =
  | { kind: 'found'; contact: CrmContact }
  | { kind: 'not-found' }
  /** The CRM did not answer in time or failed: routing goes on without it, and says so. */
  | { kind: 'unavailable'; reason: string };

export interface ContactDirectory {
  findByPhone(portalId: string, number: E164, signal: AbortSignal): Promise<LookupResult>;
}
