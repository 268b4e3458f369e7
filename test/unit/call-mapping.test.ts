import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CALL_ID_PROPERTY,
  talkDurationMs,
  toHubSpotCall,
  type FinishedCall,
} from '../../sidecar/src/domain/call.ts';
import { backoffMs } from '../../sidecar/src/domain/backoff.ts';

const base: FinishedCall = {
  id: 'c-1',
  portalId: '1',
  direction: 'INBOUND',
  fromNumber: '+390577111222',
  toNumber: '+390577235501',
  contactId: '42',
  startedAt: Date.UTC(2026, 10, 22, 9, 0, 0),
  answeredAt: Date.UTC(2026, 10, 22, 9, 0, 1),
  endedAt: Date.UTC(2026, 10, 22, 9, 0, 4, 500),
  outcome: 'COMPLETED',
  note: null,
};

test('a finished inbound call maps to HubSpot call properties', () => {
  const p = toHubSpotCall(base);
  assert.equal(p[CALL_ID_PROPERTY], 'c-1');
  assert.equal(p.hs_timestamp, '2026-11-22T09:00:00.000Z');
  assert.equal(p.hs_call_direction, 'INBOUND');
  assert.equal(p.hs_call_status, 'COMPLETED');
  assert.equal(p.hs_call_duration, '3500');
  assert.equal(p.hs_call_from_number, '+390577111222');
  assert.equal(p.hs_call_to_number, '+390577235501');
  assert.match(p.hs_call_title, /Inbound call from \+390577111222/);
});

test('unanswered calls last 0 ms; unknown callers and fallbacks are said in the body', () => {
  const missed = {
    ...base,
    answeredAt: null,
    outcome: 'CANCELED' as const,
    contactId: null,
    note: 'CRM lookup unavailable',
  };
  assert.equal(talkDurationMs(missed), 0);
  const p = toHubSpotCall(missed);
  assert.equal(p.hs_call_duration, '0');
  assert.match(p.hs_call_body, /not found in the CRM/);
  assert.match(p.hs_call_body, /CRM lookup unavailable/);
});

test('an https recording link is the recording property; a plain-http one goes in the text', () => {
  const https = toHubSpotCall({ ...base, recordingUrl: 'https://pbx.example.com/recordings/r1' });
  assert.equal(https.hs_call_recording_url, 'https://pbx.example.com/recordings/r1');
  assert.doesNotMatch(https.hs_call_body, /Recording:/);
  // HubSpot refuses the whole call for an http link: the call must still land, with the link.
  const http = toHubSpotCall({ ...base, recordingUrl: 'http://127.0.0.1:8080/recordings/r1' });
  assert.equal(http.hs_call_recording_url, undefined);
  assert.match(http.hs_call_body, /Recording: http:\/\/127\.0\.0\.1:8080\/recordings\/r1/);
  assert.equal(toHubSpotCall(base).hs_call_recording_url, undefined);
});

test('backoff grows, is capped, and jitters within half the ceiling', () => {
  assert.equal(
    backoffMs(0, 1000, 60_000, () => 0),
    500,
  );
  assert.equal(
    backoffMs(0, 1000, 60_000, () => 1),
    1000,
  );
  assert.equal(
    backoffMs(3, 1000, 60_000, () => 1),
    8000,
  );
  assert.equal(
    backoffMs(30, 1000, 60_000, () => 1),
    60_000,
  );
  assert.equal(
    backoffMs(30, 1000, 60_000, () => 0),
    30_000,
  );
});
