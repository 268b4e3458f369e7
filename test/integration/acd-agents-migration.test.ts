// The data migration that moves agents on an outside number from a trunk baked into their dial
// (PJSIP/<n>@trunk, as saved before) to tel:<n>, so they follow TRANSFER_DIAL_TEMPLATE. On a
// database of its own (SQLite file, or a fresh MariaDB database): it undoes the migrations down
// to this one and runs them again.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { agentEndpoint } from '../../sidecar/src/acd/admin.ts';
import { AcdAgentEntity, type AcdAgentRow } from '../../sidecar/src/acd/store/entities.ts';
import { openDataSource } from '../../sidecar/src/store/data-source.ts';
import { isolatedTestDatabaseUrl } from '../support/env.ts';

let ds: DataSource | undefined;
after(() => ds?.destroy());

/** Undoes the newest migrations up to and including `name`. */
async function undoThrough(ds: DataSource, name: string): Promise<void> {
  for (;;) {
    const [newest] = await ds.query<{ name: string }[]>(
      'SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1',
    );
    assert.ok(newest, `${name} was never run`);
    await ds.undoLastMigration();
    if (newest.name === name) return;
  }
}

const agent = (id: string, number: string, dial: string): AcdAgentRow => ({
  id,
  portalId: '901',
  number,
  name: `Agent ${number}`,
  pinHash: 'x',
  dial,
  state: 'logged-off',
  pauseReason: null,
  updatedAt: 0,
});

test('legacy trunk agents become tel: agents; other dials are left alone; down reverses', async () => {
  ds = await openDataSource(await isolatedTestDatabaseUrl('acd_agents_migration'), {
    migrate: true,
  });
  await undoThrough(ds, 'AcdAgentsOnTel1733100000000');

  const agents = ds.getRepository(AcdAgentEntity);
  await agents.save([
    agent('a1', '601', 'PJSIP/+393471234567@trunk'),
    agent('a2', '602', 'PJSIP/agents/sip:602@10.0.0.7:5062'),
    agent('a3', '603', 'Local/answer@test-callee/n'),
    agent('a4', '604', 'PJSIP/0577123456@trunk'),
  ]);
  await ds.runMigrations();
  const dial = async (id: string) => (await agents.findOneByOrFail({ id })).dial;
  assert.equal(await dial('a1'), 'tel:+393471234567');
  assert.equal(await dial('a2'), 'PJSIP/agents/sip:602@10.0.0.7:5062');
  assert.equal(await dial('a3'), 'Local/answer@test-callee/n');
  assert.equal(await dial('a4'), 'tel:0577123456');
  // What the migration is for: a changed template now reaches the old rows.
  assert.equal(
    agentEndpoint(await dial('a1'), 'PJSIP/{number}@carrier2'),
    'PJSIP/+393471234567@carrier2',
  );

  await undoThrough(ds, 'AcdAgentsOnTel1733100000000');
  assert.equal(await dial('a1'), 'PJSIP/+393471234567@trunk');
  assert.equal(await dial('a2'), 'PJSIP/agents/sip:602@10.0.0.7:5062');
});
