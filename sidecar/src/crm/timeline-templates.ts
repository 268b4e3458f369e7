// App timeline event templates are declared by name in manifest.json and live in HubSpot under
// the app; events need the template's numeric id. The resolver lists the app's templates once
// per portal (developer key, or the portal's own OAuth token issued to the app), creates any
// declared template that is missing when a developer key is configured, and caches the ids.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@hubspot/api-client';
import { CrmError } from './errors.ts';
import { hubspotRequest } from './hubspot-request.ts';
import type { RequestPacer } from './shared-pacer.ts';

export interface TimelineTemplateDef {
  name: string;
  objectType: 'contacts' | 'companies' | 'deals' | 'tickets';
  headerTemplate?: string;
  detailTemplate?: string;
  tokens: { name: string; label: string; type: 'string' | 'number' | 'date' | 'enumeration' }[];
}

const MANIFEST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../manifest.json',
);

/** The templates manifest.json declares (`timelineEventTemplates`). */
export function manifestTemplates(file = MANIFEST): TimelineTemplateDef[] {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    timelineEventTemplates?: TimelineTemplateDef[];
  };
  return manifest.timelineEventTemplates ?? [];
}

export interface TimelineAppConfig {
  appId?: number;
  /** Developer API key (`hapikey`): lists and creates the app's templates. */
  developerApiKey?: string;
}

export class TimelineTemplates {
  private readonly ids = new Map<string, Map<string, string>>();

  constructor(
    private readonly app: TimelineAppConfig,
    private readonly declared: TimelineTemplateDef[],
    private readonly pacer: RequestPacer,
  ) {}

  isDeclared(name: string): boolean {
    return this.declared.some((t) => t.name === name);
  }

  /** Template id for a declared name in this portal; throws a retryable CrmError if unknown yet. */
  async idOf(portalId: string, client: Client, name: string): Promise<string> {
    let byName = this.ids.get(portalId);
    if (!byName?.has(name)) {
      byName = await this.load(portalId, client);
      this.ids.set(portalId, byName);
    }
    const id = byName.get(name);
    if (id === undefined)
      throw new CrmError(
        `timeline template '${name}' is not registered for app ${this.app.appId ?? '(HUBSPOT_APP_ID unset)'}`,
        true,
      );
    return id;
  }

  private async load(portalId: string, client: Client): Promise<Map<string, string>> {
    const appId = this.app.appId;
    if (appId === undefined)
      throw new CrmError('HUBSPOT_APP_ID is not set: timeline events cannot be written', true);
    const base = `/integrators/timeline/v3/${appId}/event-templates`;
    const qs = this.app.developerApiKey ? { hapikey: this.app.developerApiKey } : undefined;
    await this.pacer.acquire(portalId);
    const { body } = await hubspotRequest<{ results?: { id: string; name: string }[] }>(client, {
      method: 'GET',
      path: base,
      ...(qs ? { qs } : {}),
    });
    const byName = new Map((body.results ?? []).map((t) => [t.name, String(t.id)]));
    if (qs) {
      for (const def of this.declared.filter((d) => !byName.has(d.name))) {
        await this.pacer.acquire(portalId);
        const { body: created } = await hubspotRequest<{ id: string }>(client, {
          method: 'POST',
          path: base,
          qs,
          body: def,
        });
        byName.set(def.name, String(created.id));
      }
    }
    return byName;
  }
}
