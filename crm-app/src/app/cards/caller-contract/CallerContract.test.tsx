import { Alert, Button, Link, StatusTag, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSidecar } from '../lib/test-fetch';
import type { CallerView } from '../lib/types';
import { CallerContractCard } from './CallerContractCard';

const view = (over: Partial<CallerView> = {}): CallerView => ({
  support: {
    property: 'centralino_support_status',
    status: 'unpaid',
    raw: 'unpaid',
    pending: null,
  },
  rememberedNumbers: [{ number: '+390577111222', rememberedAt: 0, source: 'caller-id' }],
  recentCalls: [
    {
      id: 'c1',
      direction: 'INBOUND',
      fromNumber: '+390577111222',
      toNumber: '+390577235501',
      contactId: '123',
      outcome: 'COMPLETED',
      startedAt: Date.UTC(2026, 0, 5, 9, 30),
      durationMs: 95_000,
      recordingUrl: 'https://sidecar.example.com/recordings/r1',
      hubspotCallId: '9001',
    },
  ],
  ...over,
});

afterEach(() => vi.restoreAllMocks());

describe('Caller & contract card', () => {
  it('asks the sidecar about the record it is on and shows status, numbers and calls', async () => {
    const sidecar = fakeSidecar({ 'GET /api/cards/caller': { body: view() } });
    const r = createRenderer('crm.record.tab');
    r.render(<CallerContractCard />);
    await r.waitFor(() => expect(r.findByTestId(StatusTag, 'support-status').text).toBe('Unpaid'));
    expect(sidecar.calls[0]!.url).toBe(
      'https://sidecar.example.com/api/cards/caller?objectType=contacts&objectId=123',
    );
    expect(r.findByTestId(Button, 'revoke').props.disabled).toBe(true);
    expect(r.findByTestId(Button, 'grant').props.disabled).toBe(false);
    expect(r.findByTestId(Link, 'recording-c1').props.href).toBe(
      'https://sidecar.example.com/recordings/r1',
    );
  });

  it('grants support with a fresh request id and shows the pending change after reloading', async () => {
    let granted = false;
    const sidecar = fakeSidecar({
      'GET /api/cards/caller': () => ({
        body: granted
          ? view({
              support: {
                property: 'centralino_support_status',
                status: 'unpaid',
                raw: 'unpaid',
                pending: { action: 'grant', status: 'paid' },
              },
            })
          : view(),
      }),
      'POST /api/cards/support': () => {
        granted = true;
        return { body: { accepted: true, status: 'paid' } };
      },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CallerContractCard />);
    await r.waitFor(() => expect(r.findByTestId(Button, 'grant').props.disabled).toBe(false));
    r.findByTestId(Button, 'grant').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(StatusTag, 'support-status').text).toBe('Paid'));
    const [post] = sidecar.of('POST', '/api/cards/support');
    expect(post!.body).toMatchObject({
      record: { objectType: 'contacts', objectId: '123' },
      action: 'grant',
    });
    expect(post!.body!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.findByTestId(Text, 'support-pending').text).toBe('saving to HubSpot…');
    expect(r.findByTestId(Button, 'grant').props.disabled).toBe(true);
  });

  it('revokes support', async () => {
    const sidecar = fakeSidecar({
      'GET /api/cards/caller': {
        body: view({
          support: { property: 'p', status: 'paid', raw: 'paid', pending: null },
        }),
      },
      'POST /api/cards/support': { body: { accepted: true, status: 'unpaid' } },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CallerContractCard />);
    await r.waitFor(() => expect(r.findByTestId(Button, 'revoke').props.disabled).toBe(false));
    r.findByTestId(Button, 'revoke').trigger('onClick');
    await r.waitFor(() => expect(sidecar.of('POST', '/api/cards/support')).toHaveLength(1));
    expect(sidecar.of('POST', '/api/cards/support')[0]!.body).toMatchObject({ action: 'revoke' });
  });

  it('removes a remembered number', async () => {
    let removed = false;
    const sidecar = fakeSidecar({
      'GET /api/cards/caller': () => ({ body: removed ? view({ rememberedNumbers: [] }) : view() }),
      'POST /api/cards/remembered-numbers/remove': () => {
        removed = true;
        return { body: { removed: true } };
      },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CallerContractCard />);
    await r.waitFor(() => r.findByTestId(Button, 'remove-+390577111222'));
    r.findByTestId(Button, 'remove-+390577111222').trigger('onClick');
    await r.waitFor(() =>
      expect(r.findByTestId(Text, 'no-numbers').text).toBe('No numbers remembered yet.'),
    );
    expect(sidecar.of('POST', '/api/cards/remembered-numbers/remove')[0]!.body).toEqual({
      record: { objectType: 'contacts', objectId: '123' },
      number: '+390577111222',
    });
  });

  it('says so when the sidecar refuses', async () => {
    fakeSidecar({
      'GET /api/cards/caller': {
        status: 503,
        body: { error: { code: 'CRM_NOT_CONNECTED', message: 'no HubSpot connection for 123' } },
      },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CallerContractCard />);
    await r.waitFor(() =>
      expect(r.find(Alert).props.title).toBe('Could not load caller and contract'),
    );
    expect(r.find(Alert).text).toBe('no HubSpot connection for 123');
  });
});
