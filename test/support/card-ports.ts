// In-memory adapters of the card ports (sidecar/src/cards/ports.ts), for the card-API tests
// only: the real ones belong to routing (remembered numbers, hours, holidays, emergency) and
// the ACD (agents, skills, queues). Every map is keyed by portal, like the real stores.
import {
  SettingsError,
  type AcdAdmin,
  type AcdOverview,
  type QueueView,
  type RememberedNumber,
  type RememberedNumbers,
  type RoutingSettings,
  type RoutingSettingsPatch,
  type RoutingSettingsView,
} from '../../sidecar/src/cards/ports.ts';
import type { CrmRef } from '../../sidecar/src/outbox/kinds.ts';

const recordKey = (portalId: string, r: CrmRef) => `${portalId}|${r.objectType}|${r.id}`;

export class MemoryRememberedNumbers implements RememberedNumbers {
  private readonly byRecord = new Map<string, RememberedNumber[]>();

  add(portalId: string, record: CrmRef, number: string, at = 0): void {
    const key = recordKey(portalId, record);
    this.byRecord.set(key, [
      ...(this.byRecord.get(key) ?? []),
      { number, rememberedAt: at, source: 'caller-id' },
    ]);
  }

  list(portalId: string, record: CrmRef): Promise<RememberedNumber[]> {
    return Promise.resolve([...(this.byRecord.get(recordKey(portalId, record)) ?? [])]);
  }

  remove(portalId: string, record: CrmRef, number: string): Promise<boolean> {
    const key = recordKey(portalId, record);
    const list = this.byRecord.get(key) ?? [];
    const left = list.filter((n) => n.number !== number);
    this.byRecord.set(key, left);
    return Promise.resolve(left.length !== list.length);
  }
}

export class MemoryRoutingSettings implements RoutingSettings {
  private readonly byPortal = new Map<string, RoutingSettingsView>();

  set(portalId: string, view: RoutingSettingsView): void {
    this.byPortal.set(portalId, structuredClone(view));
  }

  private view(portalId: string): RoutingSettingsView {
    const v = this.byPortal.get(portalId) ?? {
      timeZone: 'Europe/Rome',
      numbers: [],
      hours: [],
      holidays: [],
      emergency: { enabled: false, text: '' },
    };
    this.byPortal.set(portalId, v);
    return v;
  }

  get(portalId: string): Promise<RoutingSettingsView> {
    return Promise.resolve(structuredClone(this.view(portalId)));
  }

  update(portalId: string, patch: RoutingSettingsPatch): Promise<RoutingSettingsView> {
    const v = this.view(portalId);
    if (patch.emergency) {
      if (patch.emergency.enabled && patch.emergency.text.trim() === '')
        return Promise.reject(new SettingsError('an enabled announcement needs a text'));
      v.emergency = { ...patch.emergency };
    }
    if (patch.addHoliday) v.holidays = [...v.holidays, patch.addHoliday];
    if (patch.removeHoliday) v.holidays = v.holidays.filter((h) => h.date !== patch.removeHoliday);
    if (patch.hours) v.hours = patch.hours;
    return Promise.resolve(structuredClone(v));
  }
}

export class MemoryAcdAdmin implements AcdAdmin {
  private readonly byPortal = new Map<string, AcdOverview>();

  set(portalId: string, overview: AcdOverview): void {
    this.byPortal.set(portalId, structuredClone(overview));
  }

  overview(portalId: string): Promise<AcdOverview> {
    return Promise.resolve(
      structuredClone(this.byPortal.get(portalId) ?? { agents: [], queues: [], strategies: [] }),
    );
  }

  setQueueStrategy(portalId: string, queueId: string, strategy: string): Promise<QueueView | null> {
    const o = this.byPortal.get(portalId);
    const q = o?.queues.find((x) => x.id === queueId);
    if (!o || !q) return Promise.resolve(null);
    if (!o.strategies.includes(strategy))
      return Promise.reject(new SettingsError(`unknown strategy '${strategy}'`));
    q.strategy = strategy;
    return Promise.resolve(structuredClone(q));
  }
}
