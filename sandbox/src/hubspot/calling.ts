// Calling extensions: widget settings and recording settings per app (developer key), dispositions.
import express, { type Router } from 'express';
import { authenticateApp } from './auth.ts';
import { conflict, notFound, validation } from './errors.ts';
import { bodyOf, iso, ok, param } from './http.ts';
import { onlyKeys } from './objects.ts';
import { DEFAULT_DISPOSITIONS } from './properties.ts';
import type { SandboxState } from './state.ts';
import type { OAuthApp } from './types.ts';

const BOOLEAN_FIELDS = [
  'isReady',
  'supportsCustomObjects',
  'supportsInboundCalling',
  'usesCallingWindow',
  'usesRemote',
];
const SETTINGS_FIELDS = ['name', 'url', 'width', 'height', ...BOOLEAN_FIELDS];

const DEFAULTS = {
  width: 400,
  height: 600,
  isReady: false,
  supportsCustomObjects: false,
  supportsInboundCalling: false,
  usesCallingWindow: true,
  usesRemote: false,
};

function checkSettings(raw: unknown, creating: boolean): Record<string, unknown> {
  const b = onlyKeys(raw, SETTINGS_FIELDS);
  if (creating && (typeof b.name !== 'string' || b.name === ''))
    throw validation('name is required');
  if (creating && b.url === undefined) throw validation('url is required');
  if (b.name !== undefined && typeof b.name !== 'string') throw validation('name must be a string');
  if (
    b.url !== undefined &&
    (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url) || !URL.canParse(b.url))
  ) {
    throw validation(`url must be an absolute http(s) URL, got ${JSON.stringify(b.url)}`);
  }
  for (const k of ['width', 'height']) {
    const v = b[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)) {
      throw validation(`${k} must be a positive integer`);
    }
  }
  for (const k of BOOLEAN_FIELDS) {
    if (b[k] !== undefined && typeof b[k] !== 'boolean') throw validation(`${k} must be a boolean`);
  }
  return b;
}

function recordingUrl(raw: unknown, required: boolean): string | undefined {
  const b = onlyKeys(raw, ['urlToRetrieveAuthedRecording']);
  const url = b.urlToRetrieveAuthedRecording;
  if (url === undefined && !required) return undefined;
  if (
    typeof url !== 'string' ||
    !url.startsWith('https://') ||
    !URL.canParse(url.replace('%s', 'x'))
  ) {
    throw validation('urlToRetrieveAuthedRecording must be an https URL');
  }
  return url;
}

export function callingRouter(state: SandboxState): Router {
  const r = express.Router();
  const auth = (req: express.Request): OAuthApp =>
    authenticateApp(state, req, Number(param(req, 'appId')));
  const settingsOf = (app: OAuthApp) => {
    if (!app.callingSettings) throw notFound(`No calling settings for app ${app.appId}`);
    return app.callingSettings;
  };

  r.get('/crm/v3/extensions/calling/:appId/settings', (req, res) => {
    ok(res, 200, settingsOf(auth(req)));
  });

  r.post('/crm/v3/extensions/calling/:appId/settings', (req, res) => {
    const app = auth(req);
    const body = checkSettings(bodyOf(req), true);
    if (app.callingSettings) throw conflict(`Calling settings already exist for app ${app.appId}`);
    const now = iso(state.now());
    app.callingSettings = { ...DEFAULTS, ...body, createdAt: now, updatedAt: now };
    ok(res, 200, app.callingSettings);
  });

  r.patch('/crm/v3/extensions/calling/:appId/settings', (req, res) => {
    const app = auth(req);
    const current = settingsOf(app);
    const body = checkSettings(bodyOf(req), false);
    app.callingSettings = { ...current, ...body, updatedAt: iso(state.now()) };
    ok(res, 200, app.callingSettings);
  });

  r.delete('/crm/v3/extensions/calling/:appId/settings', (req, res) => {
    const app = auth(req);
    settingsOf(app);
    delete app.callingSettings;
    ok(res, 204);
  });

  r.get('/crm/v3/extensions/calling/:appId/settings/recording', (req, res) => {
    const app = auth(req);
    if (!app.recordingSettings) throw notFound(`No recording settings for app ${app.appId}`);
    ok(res, 200, app.recordingSettings);
  });

  r.post('/crm/v3/extensions/calling/:appId/settings/recording', (req, res) => {
    const app = auth(req);
    const url = recordingUrl(bodyOf(req), true) ?? '';
    app.recordingSettings = { urlToRetrieveAuthedRecording: url };
    ok(res, 200, app.recordingSettings);
  });

  r.patch('/crm/v3/extensions/calling/:appId/settings/recording', (req, res) => {
    const app = auth(req);
    if (!app.recordingSettings) throw notFound(`No recording settings for app ${app.appId}`);
    const url = recordingUrl(bodyOf(req), false);
    if (url !== undefined) app.recordingSettings = { urlToRetrieveAuthedRecording: url };
    ok(res, 200, app.recordingSettings);
  });

  return r;
}

/** Portal-authenticated calling endpoints. */
export function dispositionsRouter(): Router {
  const r = express.Router();
  r.get('/calling/v1/dispositions', (_req, res) => {
    ok(
      res,
      200,
      DEFAULT_DISPOSITIONS.map((d) => ({ id: d.id, label: d.label, deleted: false })),
    );
  });
  return r;
}
