import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  authorizeUrl,
  callingSettingsBody,
  isoDurationMs,
  loadAppManifest,
  ManifestError,
  parseAppManifest,
  redirectUri,
} from '../../sidecar/src/app-manifest.ts';

const manifest = loadAppManifest();

test('manifest.json is valid and declares the install surface', () => {
  assert.ok(manifest.oauth.requiredScopes.includes('oauth'));
  assert.equal(manifest.webhooks.path, '/webhooks/hubspot');
  assert.ok(manifest.workflowActions.some((a) => a.id === 'send-sms' && a.blockFor === 'P1D'));
  assert.ok(manifest.callingWidget);
});

test('the authorize URL carries client id, redirect, scopes and state', () => {
  const url = new URL(
    authorizeUrl(manifest, {
      clientId: 'cid',
      redirectUri: 'https://s.example.com/oauth/callback',
      state: 'st',
    }),
  );
  assert.equal(url.origin, 'https://app.hubspot.com');
  assert.equal(url.searchParams.get('client_id'), 'cid');
  assert.equal(url.searchParams.get('redirect_uri'), 'https://s.example.com/oauth/callback');
  assert.equal(url.searchParams.get('scope'), manifest.oauth.requiredScopes.join(' '));
  assert.equal(url.searchParams.get('optional_scope'), null);
  assert.equal(url.searchParams.get('state'), 'st');
  const withOptional = parseAppManifest({
    ...manifest,
    oauth: { ...manifest.oauth, optionalScopes: ['files.ui_hidden.read'] },
  });
  assert.equal(
    new URL(
      authorizeUrl(withOptional, { clientId: 'c', redirectUri: 'https://x/', state: 's' }),
    ).searchParams.get('optional_scope'),
    'files.ui_hidden.read',
  );
  assert.equal(
    redirectUri(manifest, 'https://pbx.example.com'),
    'https://pbx.example.com/oauth/callback',
  );
});

test('calling settings come from the manifest and the public URL', () => {
  const body = callingSettingsBody(manifest, 'https://pbx.example.com')!;
  assert.equal(body.url, 'https://pbx.example.com/widget/');
  assert.equal(body.width, manifest.callingWidget!.width);
  assert.equal(callingSettingsBody({ ...manifest, callingWidget: null }, 'https://x'), undefined);
});

test('a bad manifest lists every problem', () => {
  try {
    parseAppManifest({
      ...manifest,
      sidecarUrl: 'http://insecure.example.com',
      oauth: { ...manifest.oauth, requiredScopes: ['crm.objects.contacts.read'] },
      webhooks: {
        ...manifest.webhooks,
        subscriptions: [{ subscriptionType: 'contact.propertyChange', objectType: 'contacts' }],
      },
      workflowActions: [manifest.workflowActions[0], manifest.workflowActions[0]],
      extra: true,
    });
    assert.fail('expected a ManifestError');
  } catch (err) {
    assert.ok(err instanceof ManifestError);
    const text = err.problems.join('\n');
    assert.match(text, /sidecarUrl: must be https/);
    assert.match(text, /requiredScopes: must include 'oauth'/);
    assert.match(text, /propertyName is required/);
    assert.match(text, /duplicate action id send-sms/);
    assert.match(text, /extra/);
  }
});

test('ISO-8601 durations', () => {
  assert.equal(isoDurationMs('P1D'), 86_400_000);
  assert.equal(isoDurationMs('PT2H30M'), 9_000_000);
  assert.equal(isoDurationMs('PT45S'), 45_000);
  assert.throws(() => isoDurationMs('1 day'), /not an ISO-8601 duration/);
});
