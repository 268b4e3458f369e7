// manifest.json is the app's single description of what it installs; the HubSpot project in
// crm-app must say the same (scopes, cards, workflow actions, webhook subscriptions). This
// fails as soon as either side changes alone.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { manifestProblems, type HsMetaFile, type Json } from '../support/app-manifest-check.ts';

const root = path.resolve(import.meta.dirname, '../..');
const srcDir = path.join(root, 'crm-app', 'src');

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

function hsmetaFiles(): HsMetaFile[] {
  return readdirSync(srcDir, { recursive: true, withFileTypes: true })
    .filter(
      (e) =>
        e.isFile() && e.name.endsWith('-hsmeta.json') && !e.parentPath.includes('node_modules'),
    )
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return {
        path: path.relative(srcDir, full).split(path.sep).join('/'),
        content: readJson(full),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

const entrypointExists = (entry: string) => existsSync(path.join(srcDir, entry));

test('the HubSpot project agrees with manifest.json', () => {
  const project = readJson(path.join(root, 'crm-app', 'hsproject.json'));
  assert.equal(project.srcDir, 'src');
  assert.ok(
    /^20\d\d\.\d+$/.test(String(project.platformVersion)) &&
      String(project.platformVersion) >= '2025.2',
    `platformVersion ${String(project.platformVersion)} must be 2025.2 or newer`,
  );
  const files = hsmetaFiles();
  assert.ok(
    files.some((f) => f.content.type === 'card'),
    'crm-app has cards',
  );
  assert.deepEqual(
    manifestProblems(readJson(path.join(root, 'manifest.json')), files, entrypointExists),
    [],
  );
});

test('the check notices each kind of disagreement', () => {
  const manifest = readJson(path.join(root, 'manifest.json'));
  const files = hsmetaFiles();
  const variant = (change: (m: Json, f: HsMetaFile[]) => void) => {
    const m = structuredClone(manifest);
    const f = structuredClone(files);
    change(m, f);
    return manifestProblems(m, f, entrypointExists);
  };
  const app = (f: HsMetaFile[]) => f.find((x) => x.content.type === 'app')!.content.config as Json;
  const cases: Record<string, (m: Json, f: HsMetaFile[]) => void> = {
    'scope only in the manifest': (m) => {
      (m.oauth as Json).requiredScopes = [
        ...((m.oauth as Json).requiredScopes as string[]),
        'crm.lists.read',
      ];
    },
    'scope only in the project': (_m, f) => {
      ((app(f).auth as Json).requiredScopes as string[]).pop();
    },
    'sidecar not permitted for fetch': (_m, f) => {
      (app(f).permittedUrls as Json).fetch = ['https://elsewhere.example.com'];
    },
    'card location changed in the project': (_m, f) => {
      const card = f.find((x) => x.content.type === 'card')!;
      (card.content.config as Json).location = 'crm.preview';
    },
    'card object types changed in the manifest': (m) => {
      (m.cards as Json[])[0]!.objectTypes = ['contacts'];
    },
    'card only in the manifest': (m) => {
      (m.cards as Json[]).push({
        uid: 'fax_card',
        type: 'card',
        location: 'crm.record.tab',
        objectTypes: ['contacts'],
        entrypoint: '/app/cards/fax/Fax.tsx',
      });
    },
    'entrypoint that does not exist': (m, f) => {
      const card = f.find((x) => x.content.type === 'card')!;
      const cfg = card.content.config as Json;
      const mc = (m.cards as Json[]).find((c) => c.uid === card.content.uid)!;
      cfg.entrypoint = mc.entrypoint = '/app/cards/gone/Gone.tsx';
    },
    'workflow action only in the manifest': (m) => {
      m.workflowActions = [
        {
          path: '/actions/sms',
          inputFields: [{ typeDefinition: { name: 'body' } }],
          objectTypes: ['CONTACT'],
        },
      ];
    },
    'workflow action with other inputs': (m, f) => {
      m.workflowActions = [
        {
          path: '/actions/sms',
          inputFields: [{ typeDefinition: { name: 'body' } }],
          objectTypes: ['CONTACT'],
        },
      ];
      f.push({
        path: 'app/workflow-actions/sms-hsmeta.json',
        content: {
          uid: 'sms',
          type: 'workflow-action',
          config: {
            actionUrl: `${String(m.sidecarUrl)}/actions/sms`,
            inputFields: [{ typeDefinition: { name: 'text' } }],
            objectTypes: ['CONTACT'],
          },
        },
      });
    },
    'webhook subscription only in the project': (m, f) => {
      f.push({
        path: 'app/webhooks/webhooks-hsmeta.json',
        content: {
          uid: 'hooks',
          type: 'webhooks',
          config: {
            settings: { targetUrl: `${String(m.sidecarUrl)}${String((m.webhooks as Json).path)}` },
            subscriptions: {
              crmObjects: [{ subscriptionType: 'object.creation', objectType: 'contact' }],
            },
          },
        },
      });
    },
  };
  for (const [name, change] of Object.entries(cases)) {
    assert.notDeepEqual(variant(change), [], `${name} went unnoticed`);
  }
  // And a matching workflow action on both sides is fine.
  assert.deepEqual(
    variant((m, f) => {
      m.workflowActions = [
        ...(m.workflowActions as Json[]),
        {
          path: '/actions/sms',
          inputFields: [{ typeDefinition: { name: 'body' } }],
          objectTypes: ['CONTACT'],
        },
      ];
      f.push({
        path: 'app/workflow-actions/sms-hsmeta.json',
        content: {
          uid: 'sms',
          type: 'workflow-action',
          config: {
            actionUrl: `${String(m.sidecarUrl)}/actions/sms`,
            inputFields: [{ typeDefinition: { name: 'body' } }],
            objectTypes: ['CONTACT'],
          },
        },
      });
    }),
    [],
  );
});
