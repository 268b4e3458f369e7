// manifest.json: the single source of the app's install surface (scopes, webhook subscriptions,
// workflow actions, cards, calling widget, sidecar URL). Validated at load, so a typo fails the
// start (and the crm-app agreement test) instead of producing an app HubSpot half-accepts.
// The OAuth authorize URL and the calling-settings registration are built from it here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const relativePath = z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'a path starting with /');
const scope = z
  .string()
  .regex(/^[a-z][a-z0-9._-]*$/, 'a HubSpot scope such as crm.objects.contacts.read');
const option = z.object({ label: z.string().min(1), value: z.string().min(1) }).strict();

const crmProperty = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    label: z.string().min(1),
    type: z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']),
    fieldType: z.enum([
      'text',
      'textarea',
      'number',
      'date',
      'select',
      'radio',
      'checkbox',
      'booleancheckbox',
    ]),
    hasUniqueValue: z.boolean().optional(),
    options: z.array(option).optional(),
  })
  .strict();

/** Legacy subscription types (`contact.creation`, `ticket.propertyChange`, …). */
const subscription = z
  .object({
    subscriptionType: z
      .string()
      .regex(
        /^(contact|company|deal|ticket)\.(creation|deletion|propertyChange|merge|restore|associationChange)$/,
      ),
    objectType: z.enum(['contacts', 'companies', 'deals', 'tickets']),
    propertyName: z.string().min(1).optional(),
  })
  .strict()
  .refine(
    (s) => s.subscriptionType.endsWith('.propertyChange') === (s.propertyName !== undefined),
    {
      message: 'propertyName is required for propertyChange subscriptions and only for them',
    },
  );

const typeDefinition = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
    type: z.enum(['string', 'number', 'bool', 'date', 'datetime', 'enumeration', 'phone_number']),
    fieldType: z.enum([
      'text',
      'textarea',
      'number',
      'select',
      'phonenumber',
      'date',
      'booleancheckbox',
    ]),
    options: z.array(option).optional(),
  })
  .strict();

const workflowAction = z
  .object({
    /** Stable id; the sidecar registers the handler under it (`registerAction({id})`). */
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** Where HubSpot posts executions, relative to sidecarUrl. */
    path: relativePath,
    objectTypes: z.array(z.enum(['CONTACT', 'COMPANY', 'DEAL', 'TICKET'])).min(1),
    inputFields: z.array(
      z
        .object({
          typeDefinition,
          supportedValueTypes: z.array(z.enum(['OBJECT_PROPERTY', 'STATIC_VALUE'])).min(1),
          isRequired: z.boolean(),
        })
        .strict(),
    ),
    outputFields: z.array(z.object({ typeDefinition }).strict()),
    labels: z.record(
      z.string(),
      z
        .object({
          actionName: z.string().min(1),
          actionDescription: z.string().optional(),
          inputFieldLabels: z.record(z.string(), z.string()).optional(),
          outputFieldLabels: z.record(z.string(), z.string()).optional(),
        })
        .strict(),
    ),
    /** ISO-8601 duration an execution may stay BLOCKed (hs_expiration_duration); absent = never blocks. */
    blockFor: z
      .string()
      .regex(/^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$/, 'an ISO-8601 duration such as P1D or PT2H')
      .optional(),
  })
  .strict();

// A card's entry file lives in its own folder (component, entry and test side by side).
const entrypoint = (dir: 'cards' | 'settings') =>
  z
    .string()
    .regex(new RegExp(`^/app/${dir}/([^/]+/)*[^/]+\\.tsx$`), `a .tsx file under /app/${dir}/`);

const card = z.discriminatedUnion('type', [
  z
    .object({
      uid: z.string().regex(/^[a-z][a-z0-9_-]*$/),
      type: z.literal('card'),
      name: z.string().min(1),
      location: z.enum(['crm.record.tab', 'crm.record.sidebar', 'crm.preview', 'helpdesk.sidebar']),
      objectTypes: z.array(z.enum(['contacts', 'companies', 'deals', 'tickets'])).min(1),
      entrypoint: entrypoint('cards'),
    })
    .strict(),
  z
    .object({
      uid: z.string().regex(/^[a-z][a-z0-9_-]*$/),
      type: z.literal('settings'),
      entrypoint: entrypoint('settings'),
    })
    .strict(),
]);

const callingWidget = z
  .object({
    name: z.string().min(1),
    /** The widget page, relative to sidecarUrl. */
    path: relativePath,
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    isReady: z.boolean(),
    supportsCustomObjects: z.boolean(),
    supportsInboundCalling: z.boolean(),
    usesCallingWindow: z.boolean(),
    usesRemote: z.boolean(),
  })
  .strict();

export const appManifestSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1),
    /** The public HTTPS origin of the sidecar (HubSpot calls it; cards fetch from it). */
    sidecarUrl: z
      .url()
      .refine((u) => u.startsWith('https://'), 'must be https (HubSpot requires it)'),
    oauth: z
      .object({
        installPath: relativePath,
        redirectPath: relativePath,
        authorizeUrl: z.url(),
        requiredScopes: z.array(scope).min(1),
        optionalScopes: z.array(scope),
      })
      .strict(),
    crmProperties: z.partialRecord(
      z.enum(['calls', 'contacts', 'companies', 'deals', 'tickets']),
      z.array(crmProperty),
    ),
    webhooks: z
      .object({
        path: relativePath,
        maxConcurrentRequests: z.number().int().min(5).max(100),
        subscriptions: z.array(subscription),
      })
      .strict(),
    workflowActions: z.array(workflowAction),
    cards: z.array(card),
    callingWidget: callingWidget.nullable(),
    /** App timeline event templates by name (validated in crm/timeline-templates.ts). */
    timelineEventTemplates: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z][a-z0-9-]*$/),
            objectType: z.enum(['contacts', 'companies', 'deals', 'tickets']),
            headerTemplate: z.string().min(1),
            detailTemplate: z.string().min(1),
            tokens: z.array(
              z
                .object({
                  name: z.string().regex(/^[A-Za-z0-9_-]+$/),
                  label: z.string().min(1),
                  type: z.enum(['string', 'number', 'date', 'enumeration']),
                })
                .strict(),
            ),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((m, ctx) => {
    const ids = m.workflowActions.map((a) => a.id);
    for (const [i, id] of ids.entries()) {
      if (ids.indexOf(id) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['workflowActions', i, 'id'],
          message: `duplicate action id ${id}`,
        });
    }
    if (!m.oauth.requiredScopes.includes('oauth')) {
      ctx.addIssue({
        code: 'custom',
        path: ['oauth', 'requiredScopes'],
        message: "must include 'oauth'",
      });
    }
  });

export type AppManifest = z.output<typeof appManifestSchema>;
export type ManifestWorkflowAction = AppManifest['workflowActions'][number];

export const MANIFEST_PATH = path.resolve(import.meta.dirname, '../../manifest.json');

export class ManifestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid manifest.json:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestError';
  }
}

export function parseAppManifest(raw: unknown): AppManifest {
  const parsed = appManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ManifestError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

export function loadAppManifest(file = MANIFEST_PATH): AppManifest {
  return parseAppManifest(JSON.parse(readFileSync(file, 'utf8')));
}

/** Where HubSpot sends the installer back: the sidecar's own public URL + the manifest's path. */
export function redirectUri(manifest: AppManifest, publicUrl: string): string {
  return new URL(manifest.oauth.redirectPath, publicUrl).toString();
}

/** The consent page an admin is sent to by /oauth/install. */
export function authorizeUrl(
  manifest: AppManifest,
  p: { clientId: string; redirectUri: string; state: string },
): string {
  const url = new URL(manifest.oauth.authorizeUrl);
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('scope', manifest.oauth.requiredScopes.join(' '));
  if (manifest.oauth.optionalScopes.length > 0) {
    url.searchParams.set('optional_scope', manifest.oauth.optionalScopes.join(' '));
  }
  url.searchParams.set('state', p.state);
  return url.toString();
}

/** Body of POST /crm/v3/extensions/calling/{appId}/settings. */
export function callingSettingsBody(manifest: AppManifest, publicUrl: string) {
  const w = manifest.callingWidget;
  if (!w) return undefined;
  return {
    name: w.name,
    url: new URL(w.path, publicUrl).toString(),
    width: w.width,
    height: w.height,
    isReady: w.isReady,
    supportsCustomObjects: w.supportsCustomObjects,
    supportsInboundCalling: w.supportsInboundCalling,
    usesCallingWindow: w.usesCallingWindow,
    usesRemote: w.usesRemote,
  };
}

/** Parses the ISO-8601 durations the manifest uses (days, hours, minutes, seconds) to ms. */
export function isoDurationMs(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m) throw new Error(`not an ISO-8601 duration: ${iso}`);
  const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
}
