// Pure campaign rules: calling windows, retry policy, SMS replies, message media, row checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { campaignDefinitionSchema } from '../../sidecar/src/campaigns/definition.ts';
import { validateRows } from '../../sidecar/src/campaigns/import-rows.ts';
import { mediaFor, parseAmount } from '../../sidecar/src/campaigns/message.ts';
import {
  AttemptOutcome,
  nextStep,
  outcomeOfOriginateFailure,
} from '../../sidecar/src/campaigns/policy.ts';
import { parseReply } from '../../sidecar/src/campaigns/replies.ts';
import { zoneForNumber } from '../../sidecar/src/campaigns/time-zones.ts';
import { windowAt } from '../../sidecar/src/campaigns/windows.ts';

const day = [{ from: '09:00', to: '21:00' }];
const def = campaignDefinitionSchema.parse({
  name: 'x',
  event: { name: 'Gala', rsvpProperty: 'rsvp_gala' },
  message: [
    { type: 'media', media: 'sound:beep' },
    { type: 'amount', variable: 'amount' },
  ],
  question: { prompt: 'sound:beep' },
  callerId: '+390577000000',
  maxLines: 2,
  windows: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] },
  holidays: ['2026-12-25'],
  retry: { busy: { delayMs: 3_600_000, maxAttempts: 3 } },
  sms: { mode: 'fallback', text: 'Reply YES or NO' },
});

test('window: open until 21:00 Rome, then the next working morning; holidays and weekends skipped', () => {
  const at = (iso: string) => windowAt(Date.parse(iso), 'Europe/Rome', def);
  assert.deepEqual(at('2026-11-23T19:59:00Z'), {
    open: true,
    closesAt: Date.parse('2026-11-23T20:00:00Z'),
  });
  assert.deepEqual(at('2026-11-23T20:00:00Z'), {
    open: false,
    opensAt: Date.parse('2026-11-24T08:00:00Z'),
  });
  // Friday evening → Monday morning.
  assert.deepEqual(at('2026-11-27T21:00:00Z'), {
    open: false,
    opensAt: Date.parse('2026-11-30T08:00:00Z'),
  });
  // Christmas (Friday) is a holiday: Thursday evening → Monday 28th.
  assert.deepEqual(at('2026-12-24T20:30:00Z'), {
    open: false,
    opensAt: Date.parse('2026-12-28T08:00:00Z'),
  });
  // New York has its own window: 14:59 there at 20:59 Rome.
  assert.equal(windowAt(Date.parse('2026-11-23T20:00:00Z'), 'America/New_York', def).open, true);
});

test('zones from the number country, overridable', () => {
  assert.equal(zoneForNumber('+390577100001', 'UTC'), 'Europe/Rome');
  assert.equal(zoneForNumber('+12125550106', 'UTC'), 'America/New_York');
  assert.equal(zoneForNumber('+12125550106', 'UTC', 'America/Los_Angeles'), 'America/Los_Angeles');
  assert.equal(zoneForNumber('+12125550106', 'UTC', 'Not/AZone'), 'America/New_York');
});

test('retry policy per outcome, then SMS fallback', () => {
  assert.deepEqual(nextStep(AttemptOutcome.Busy, null, 1, 1000, def), {
    kind: 'retry',
    at: 3_601_000,
  });
  assert.deepEqual(nextStep(AttemptOutcome.Busy, null, 3, 1000, def), { kind: 'sms' });
  assert.deepEqual(nextStep(AttemptOutcome.NoAnswer, null, 1, 1000, def), { kind: 'sms' });
  assert.deepEqual(nextStep(AttemptOutcome.Answered, 'yes', 1, 1000, def), { kind: 'done' });
  assert.deepEqual(nextStep(AttemptOutcome.OptedOut, null, 1, 1000, def), { kind: 'done' });
  const noSms = { ...def, sms: undefined };
  assert.deepEqual(nextStep(AttemptOutcome.Failed, null, 1, 1000, noSms), { kind: 'failed' });
  assert.equal(outcomeOfOriginateFailure('BUSY'), AttemptOutcome.Busy);
  assert.equal(outcomeOfOriginateFailure('User alerting, no answer'), AttemptOutcome.NoAnswer);
  assert.equal(outcomeOfOriginateFailure('CONGESTION'), AttemptOutcome.Failed);
});

test('SMS replies in several languages; STOP wins; anything else is unclear', () => {
  const words = def.sms!;
  assert.equal(parseReply(' yes! ', words), 'yes');
  assert.equal(parseReply('Sì grazie', words), 'yes');
  assert.equal(parseReply('да', words), 'yes');
  assert.equal(parseReply('НЕТ', words), 'no');
  assert.equal(parseReply('no', words), 'no');
  assert.equal(parseReply('STOP', words), 'stop');
  assert.equal(parseReply('maybe', words), 'unclear');
});

test('message media speak the row amount; amounts in common spellings', () => {
  assert.deepEqual(mediaFor(def.message, { amount: '1.250,50' }), [
    'sound:beep',
    'number:1250',
    'sound:letters/dot',
    'number:50',
  ]);
  assert.deepEqual(parseAmount('12'), { units: 12, cents: 0 });
  assert.equal(parseAmount('12abc'), null);
});

test('rows: bad phone, duplicate, missing variable each reported with the row number', () => {
  const { good, bad } = validateRows(
    [
      { phone: '0577 100001', amount: '10' },
      { phone: '12', amount: '10' },
      { phone: '+390577100001', amount: '11' },
      { phone: '+390577100002', amount: '' },
      { amount: '5' },
    ],
    def,
    'IT',
  );
  assert.deepEqual(
    good.map((g) => [g.row, g.phone]),
    [[2, '+390577100001']],
  );
  assert.deepEqual(bad, [
    { row: 3, reason: 'invalid phone number: 12' },
    { row: 4, reason: 'duplicate of row 2 (+390577100001)' },
    { row: 5, reason: 'missing amount' },
    { row: 6, reason: 'missing phone number' },
  ]);
});

test('definition: an invitation needs a question and an event; bad windows are refused', () => {
  const r = campaignDefinitionSchema.safeParse({
    name: 'x',
    message: [{ type: 'media', media: 'sound:beep' }],
    callerId: '+390577000000',
    maxLines: 1,
    windows: {
      mon: [{ from: '21:00', to: '09:00' }],
      tue: [],
      wed: [],
      thu: [],
      fri: [],
      sat: [],
      sun: [],
    },
  });
  assert.equal(r.success, false);
  const paths = r.error.issues.map((i) => i.path.join('.'));
  assert.ok(
    paths.includes('question') && paths.includes('event') && paths.includes('windows.mon.0'),
  );
});
