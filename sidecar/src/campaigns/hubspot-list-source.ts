// Campaign contacts from a HubSpot list: page through the list's memberships (lists API v3),
// then read the contacts' properties in batches of 100. Each contact becomes a row (its
// properties as variables, contact_id set), validated like any imported row.
import type { Client } from '@hubspot/api-client';
import { hubspotRequest } from '../crm/hubspot-request.ts';
import type { SheetRow } from './sheet.ts';

interface MembershipPage {
  results: { recordId: string }[];
  paging?: { next?: { after: string } };
}
interface BatchRead {
  results: { id: string; properties: Record<string, string | null> }[];
}

export async function contactRowsFromList(
  client: Client,
  listId: string,
  properties: readonly string[],
): Promise<SheetRow[]> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const q = new URLSearchParams({ limit: '250', ...(after ? { after } : {}) });
    const page = await hubspotRequest<MembershipPage>(client, {
      method: 'GET',
      path: `/crm/v3/lists/${encodeURIComponent(listId)}/memberships?${q.toString()}`,
    });
    ids.push(...page.body.results.map((r) => r.recordId));
    after = page.body.paging?.next?.after;
  } while (after);
  const rows: SheetRow[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const batch = await hubspotRequest<BatchRead>(client, {
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/read',
      body: { inputs: ids.slice(i, i + 100).map((id) => ({ id })), properties: [...properties] },
    });
    for (const r of batch.body.results) {
      const cells: SheetRow = { contact_id: r.id };
      for (const [k, v] of Object.entries(r.properties)) cells[k] = v ?? '';
      rows.push(cells);
    }
  }
  return rows;
}
