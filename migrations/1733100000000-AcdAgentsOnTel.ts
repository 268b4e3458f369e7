// Agents on an outside number used to be stored with the trunk baked in (PJSIP/<n>@trunk); they
// are now tel:<n>, dialled with TRANSFER_DIAL_TEMPLATE at call time (acd/admin.ts). Rows saved
// before keep ringing either way, but would not follow a changed template: rewrite them.
// Parameterised queries only, so it runs unchanged on SQLite and MySQL.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const LEGACY = /^PJSIP\/(\+?[0-9]+)@trunk$/;
const TEL = /^tel:(\+?[0-9]+)$/;

async function rewrite(
  q: QueryRunner,
  like: string,
  from: RegExp,
  to: (n: string) => string,
): Promise<void> {
  // LIKE narrows the rows read; the pattern decides (and extracts the number).
  const rows = (await q.query('SELECT id, dial FROM acd_agents WHERE dial LIKE ?', [like])) as {
    id: string;
    dial: string;
  }[];
  for (const row of rows) {
    const number = from.exec(row.dial)?.[1];
    if (number === undefined) continue;
    await q.query('UPDATE acd_agents SET dial = ? WHERE id = ?', [to(number), row.id]);
  }
}

export class AcdAgentsOnTel1733100000000 implements MigrationInterface {
  name = 'AcdAgentsOnTel1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await rewrite(q, 'PJSIP/%@trunk', LEGACY, (n) => `tel:${n}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await rewrite(q, 'tel:%', TEL, (n) => `PJSIP/${n}@trunk`);
  }
}
