// Registers the widget with HubSpot: the calling-settings payload is built from manifest.json's
// `callingWidget` and POSTed to /crm/v3/extensions/calling/{appId}/settings with the developer
// API key (PATCHed when settings already exist, so it can be re-run after a change).
import { z } from 'zod';

export const callingWidgetManifest = z.object({
  name: z.string().min(1),
  /** Path of the widget page on the sidecar, joined to PUBLIC_URL. */
  path: z.string().startsWith('/'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  isReady: z.boolean(),
  supportsCustomObjects: z.boolean(),
  supportsInboundCalling: z.boolean(),
  usesCallingWindow: z.boolean(),
  usesRemote: z.boolean(),
});
export type CallingWidgetManifest = z.infer<typeof callingWidgetManifest>;

export interface CallingSettingsPayload extends Omit<CallingWidgetManifest, 'path'> {
  url: string;
}

export function callingSettingsPayload(
  manifest: { callingWidget?: unknown },
  publicUrl: string,
): CallingSettingsPayload {
  const parsed = callingWidgetManifest.safeParse(manifest.callingWidget);
  if (!parsed.success)
    throw new Error(
      `manifest.json callingWidget: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const { path, ...rest } = parsed.data;
  return { ...rest, url: new URL(path, publicUrl).toString() };
}

export async function registerCallingSettings(opts: {
  apiBaseUrl: string;
  appId: string;
  developerApiKey: string;
  payload: CallingSettingsPayload;
  fetch?: typeof fetch;
}): Promise<{ created: boolean; settings: Record<string, unknown> }> {
  const doFetch = opts.fetch ?? fetch;
  const url = new URL(`/crm/v3/extensions/calling/${opts.appId}/settings`, opts.apiBaseUrl);
  url.searchParams.set('hapikey', opts.developerApiKey);
  const send = (method: 'POST' | 'PATCH') =>
    doFetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(opts.payload),
    });
  let res = await send('POST');
  let created = true;
  if (res.status === 409) {
    res = await send('PATCH');
    created = false;
  }
  const text = await res.text();
  if (!res.ok)
    // The URL carries the developer key: never put it in the error.
    throw new Error(
      `calling settings registration failed: HTTP ${res.status} ${text.slice(0, 500)}`,
    );
  return { created, settings: JSON.parse(text) as Record<string, unknown> };
}
