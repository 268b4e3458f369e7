// Registers the calling widget with HubSpot from manifest.json: POST (or PATCH when it exists)
// /crm/v3/extensions/calling/{appId}/settings, authenticated with the developer API key. Run by
// an admin once per app (scripts or the install docs), not per portal.
import { callingSettingsBody, type AppManifest } from '../app-manifest.ts';

export interface CallingRegistration {
  apiBaseUrl: string;
  appId: string;
  developerApiKey: string;
  publicUrl: string;
}

export type CallingRegistrationResult =
  | { outcome: 'created' | 'updated'; settings: Record<string, unknown> }
  | { outcome: 'skipped'; reason: string };

export async function registerCallingSettings(
  manifest: AppManifest,
  r: CallingRegistration,
  fetchImpl: typeof fetch = fetch,
): Promise<CallingRegistrationResult> {
  const body = callingSettingsBody(manifest, r.publicUrl);
  if (!body) return { outcome: 'skipped', reason: 'manifest.json has no callingWidget' };
  const url = new URL(
    `/crm/v3/extensions/calling/${encodeURIComponent(r.appId)}/settings`,
    r.apiBaseUrl,
  );
  url.searchParams.set('hapikey', r.developerApiKey);
  const send = (method: 'POST' | 'PATCH') =>
    fetchImpl(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  let res = await send('POST');
  let outcome: 'created' | 'updated' = 'created';
  if (res.status === 409) {
    res = await send('PATCH');
    outcome = 'updated';
  }
  const text = await res.text();
  if (!res.ok) {
    // The developer key is in the URL: never echo the URL, only HubSpot's answer.
    throw new Error(`calling settings registration refused (${res.status}): ${text.slice(0, 500)}`);
  }
  return { outcome, settings: JSON.parse(text) as Record<string, unknown> };
}
