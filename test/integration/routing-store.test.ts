// The routing tables on the real database (SQLite, or MariaDB with DATABASE_URL): every read
// and write is scoped by HubSpot account, and admin input that breaks a calendar is refused
// without changing what is stored.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import type { Calendar } from '../../sidecar/src/domain/calendar.ts';
import type { E164 } from '../../sidecar/src/domain/phone.ts';
import { openDataSource } from '../../sidecar/src/store/data-source.ts';
import { RememberedNumbers } from '../../sidecar/src/routing/remembered-numbers.ts';
import { RoutingInputError, RoutingSettings } from '../../sidecar/src/routing/settings-store.ts';
import { testDatabaseUrl } from '../support/env.ts';

let ds: DataSource;
const clock = { now: () => Date.now() };
const base: Calendar = {
  timeZone: 'Europe/Rome',
  hours: { mon: [['09:00', '18:00']] },
  exceptions: [],
};
const phone = '+390577123456' as E164;

before(async () => {
  ds = await openDataSource(testDatabaseUrl('routing-store'), { migrate: true });
});
after(async () => {
  await ds.destroy();
});

test('remembered numbers are per account', async () => {
  const numbers = new RememberedNumbers(ds, clock);
  const a = await numbers.remember('111', phone, { type: 'companies', id: '1' });
  await numbers.remember('222', phone, { type: 'contacts', id: '9' });
  assert.deepEqual(await numbers.find('111', phone), { type: 'companies', id: '1' });
  assert.deepEqual(await numbers.find('222', phone), { type: 'contacts', id: '9' });
  // Another account cannot remove it, even knowing the id.
  assert.equal(await numbers.forget('222', a.id), false);
  assert.deepEqual(await numbers.find('111', phone), { type: 'companies', id: '1' });
  // Re-pointing keeps one row per number.
  await numbers.remember('111', phone, { type: 'companies', id: '2' });
  assert.deepEqual(
    (await numbers.list('111')).map((r) => r.objectId),
    ['2'],
  );
  assert.equal(await numbers.forget('111', a.id), true);
  assert.equal(await numbers.find('111', phone), null);
});

test('calendar overrides, exceptions and announcements are per account', async () => {
  const settings = new RoutingSettings(ds, clock);
  await settings.setCalendar('111', 'office', base, { hours: { sat: [['10:00', '12:00']] } });
  const ex = await settings.addException('111', 'office', base, {
    kind: 'closure',
    name: 'Move',
    from: '2026-03-01',
    to: '2026-03-05',
  });
  await settings.setAnnouncement('111', 'emergency', { enabled: true, media: null, text: 'x' });
  const mine = await settings.effectiveCalendar('111', 'office', base);
  const theirs = await settings.effectiveCalendar('222', 'office', base);
  assert.deepEqual(mine.hours, { sat: [['10:00', '12:00']] });
  assert.deepEqual(theirs.hours, base.hours);
  assert.equal(mine.exceptions.length, 1);
  assert.equal(theirs.exceptions.length, 0);
  assert.equal((await settings.announcement('111', 'emergency'))?.enabled, true);
  assert.equal(await settings.announcement('222', 'emergency'), null);
  assert.equal(await settings.removeException('222', 'office', ex.id), false);

  await assert.rejects(
    settings.addException('111', 'office', base, {
      kind: 'closure',
      name: 'Overlap',
      from: '2026-03-05',
      to: '2026-03-07',
    }),
    (err: unknown) => err instanceof RoutingInputError && /overlaps 'Move'/.test(err.message),
  );
  await assert.rejects(
    settings.setCalendar('111', 'office', base, { timeZone: 'Nowhere/Atlantis' }),
    (err: unknown) => err instanceof RoutingInputError && /unknown time zone/.test(err.message),
  );
  // The refused changes left the stored state as it was.
  const after = await settings.effectiveCalendar('111', 'office', base);
  assert.equal(after.timeZone, 'Europe/Rome');
  assert.deepEqual(
    after.exceptions.map((e) => e.name),
    ['Move'],
  );
});
