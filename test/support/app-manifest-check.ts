// Compares manifest.json (the app's install surface, single source) with the HubSpot project
// in crm-app (every *-hsmeta.json). Pure: takes the parsed files, returns every disagreement.
export type Json = Record<string, unknown>;

export interface HsMetaFile {
  /** Path relative to crm-app/src, e.g. 'app/cards/x-hsmeta.json'. */
  path: string;
  content: Json;
}

const obj = (v: unknown): Json =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const sorted = (v: unknown): string[] => arr(v).map(String).sort();
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A card or settings page, as both sides describe it. */
function cardKey(c: Json): string {
  return JSON.stringify({
    uid: str(c.uid),
    type: str(c.type),
    location: str(c.location) ?? null,
    objectTypes: c.objectTypes === undefined ? null : sorted(c.objectTypes),
    entrypoint: str(c.entrypoint),
  });
}

function subscriptionKey(s: Json): string {
  // Legacy subscriptions ('contact.creation') name their object in the type: 'contact' → 'contacts'.
  const legacyObject = /^(contact|company|deal|ticket)\./.exec(str(s.subscriptionType) ?? '')?.[1];
  const implied = legacyObject === 'company' ? 'companies' : legacyObject && `${legacyObject}s`;
  return JSON.stringify({
    subscriptionType: str(s.subscriptionType),
    objectType: str(s.objectType) ?? implied ?? null,
    propertyName: str(s.propertyName) ?? null,
  });
}

function inputNames(fields: unknown): string[] {
  return arr(fields)
    .map((f) => str(obj(obj(f).typeDefinition).name) ?? str(obj(f).name) ?? '?')
    .sort();
}

export function manifestProblems(
  manifest: Json,
  files: HsMetaFile[],
  entrypointExists: (entrypoint: string) => boolean,
): string[] {
  const problems: string[] = [];
  const sidecarUrl = str(manifest.sidecarUrl) ?? '';
  const ofType = (t: string) => files.filter((f) => f.content.type === t);

  // uid unique across the project (HubSpot refuses duplicates).
  const uids = files.map((f) => str(f.content.uid));
  for (const uid of new Set(uids))
    if (uids.filter((u) => u === uid).length > 1) problems.push(`uid '${uid}' used twice`);

  // App: name, OAuth scopes and redirect, fetch permission for the sidecar.
  const apps = ofType('app');
  if (apps.length !== 1) problems.push(`expected one app component, found ${apps.length}`);
  const app = apps[0];
  if (app) {
    if (app.path !== 'app/app-hsmeta.json')
      problems.push(`app component must be app/app-hsmeta.json, is ${app.path}`);
    const config = obj(app.content.config);
    const auth = obj(config.auth);
    const oauth = obj(manifest.oauth);
    if (config.name !== manifest.name)
      problems.push(`app name '${String(config.name)}' ≠ manifest '${String(manifest.name)}'`);
    if (config.distribution !== 'marketplace')
      problems.push('app distribution must be marketplace');
    if (auth.type !== 'oauth') problems.push('app auth type must be oauth');
    if (!same(sorted(auth.requiredScopes), sorted(oauth.requiredScopes)))
      problems.push(
        `requiredScopes ${JSON.stringify(sorted(auth.requiredScopes))} ≠ manifest ${JSON.stringify(sorted(oauth.requiredScopes))}`,
      );
    if (!same(sorted(auth.optionalScopes), sorted(oauth.optionalScopes)))
      problems.push('optionalScopes differ from the manifest');
    const redirect = `${sidecarUrl}${str(oauth.redirectPath) ?? ''}`;
    if (!arr(auth.redirectUrls).includes(redirect)) problems.push(`redirectUrls lack ${redirect}`);
    if (!arr(obj(config.permittedUrls).fetch).includes(sidecarUrl))
      problems.push(`permittedUrls.fetch lacks the sidecar ${sidecarUrl}`);
  }

  // Cards and the settings page.
  const projectCards = [...ofType('card'), ...ofType('settings')].map((f): Json => ({
    ...obj(f.content.config),
    uid: f.content.uid,
    type: f.content.type,
  }));
  for (const f of [...ofType('card'), ...ofType('settings')]) {
    const dir = f.content.type === 'card' ? 'app/cards/' : 'app/settings/';
    if (!f.path.startsWith(dir) || f.path.slice(dir.length).includes('/'))
      problems.push(`${f.path}: ${String(f.content.type)} components live directly in ${dir}`);
  }
  const manifestCards = arr(manifest.cards).map(obj);
  const projectKeys = new Set(projectCards.map(cardKey));
  const manifestKeys = new Set(manifestCards.map(cardKey));
  for (const k of manifestKeys)
    if (!projectKeys.has(k)) problems.push(`manifest card missing in crm-app: ${k}`);
  for (const k of projectKeys)
    if (!manifestKeys.has(k)) problems.push(`crm-app card missing in manifest: ${k}`);
  for (const c of projectCards) {
    const entry = str(c.entrypoint);
    if (!entry || !entrypointExists(entry))
      problems.push(`card ${String(c.uid)}: entrypoint ${String(entry)} does not exist`);
  }

  // Workflow actions: same action URLs, input fields and object types.
  const projectActions = ofType('workflow-action').map((f) => obj(f.content.config));
  const manifestActions = arr(manifest.workflowActions).map(obj);
  const actionKey = (a: Json, fromManifest: boolean) =>
    JSON.stringify({
      actionUrl: fromManifest
        ? (str(a.actionUrl) ?? `${sidecarUrl}${str(a.path) ?? ''}`)
        : str(a.actionUrl),
      inputs: inputNames(a.inputFields),
      objectTypes: sorted(a.objectTypes).map((t) => t.toUpperCase()),
    });
  const pa = new Set(projectActions.map((a) => actionKey(a, false)));
  const ma = new Set(manifestActions.map((a) => actionKey(a, true)));
  if (projectActions.length !== manifestActions.length)
    problems.push(
      `workflow actions: ${projectActions.length} in crm-app, ${manifestActions.length} in manifest`,
    );
  for (const k of ma)
    if (!pa.has(k)) problems.push(`manifest workflow action missing in crm-app: ${k}`);
  for (const k of pa)
    if (!ma.has(k)) problems.push(`crm-app workflow action missing in manifest: ${k}`);

  // Webhook subscriptions and their target.
  const webhooks = obj(manifest.webhooks);
  const hooks = ofType('webhooks');
  const subs = hooks.flatMap((f) => {
    const s = obj(obj(f.content.config).subscriptions);
    return [...arr(s.crmObjects), ...arr(s.legacyCrmObjects), ...arr(s.hubEvents)].map(obj);
  });
  const ps = new Set(subs.map(subscriptionKey));
  const ms = new Set(arr(webhooks.subscriptions).map(obj).map(subscriptionKey));
  for (const k of ms)
    if (!ps.has(k)) problems.push(`manifest webhook subscription missing in crm-app: ${k}`);
  for (const k of ps)
    if (!ms.has(k)) problems.push(`crm-app webhook subscription missing in manifest: ${k}`);
  const target = `${sidecarUrl}${str(webhooks.path) ?? ''}`;
  for (const f of hooks) {
    const url = obj(obj(f.content.config).settings).targetUrl;
    if (url !== target) problems.push(`${f.path}: targetUrl ${String(url)} ≠ ${target}`);
  }
  return problems;
}
