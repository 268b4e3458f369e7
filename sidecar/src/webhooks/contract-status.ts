// The port through which a contract/support status change reaches whoever caches access
// decisions (the support gate): `onContractStatusChanged(portalId, objectType, objectId, status)`.
// Listeners are called after the change is committed; one failing listener does not stop others.
import type { Logger } from '../ports.ts';

export type ContractStatusListener = (
  portalId: string,
  objectType: string,
  objectId: string,
  status: string | null,
) => void;

export interface ContractStatusEvents {
  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: ContractStatusListener): () => void;
}

export class ContractStatusBus implements ContractStatusEvents {
  private readonly listeners = new Set<ContractStatusListener>();

  constructor(private readonly log: Logger) {}

  subscribe(listener: ContractStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onContractStatusChanged(
    portalId: string,
    objectType: string,
    objectId: string,
    status: string | null,
  ): void {
    for (const l of this.listeners) {
      try {
        l(portalId, objectType, objectId, status);
      } catch (err) {
        this.log.error({ err, portalId, objectType, objectId }, 'contract status listener failed');
      }
    }
  }
}
