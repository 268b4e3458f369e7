import { Alert, Button, Select, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lastCall } from '../lib/fixtures';
import { changeTo, fakeSidecar } from '../lib/test-fetch';
import { TicketActionsCard } from './TicketActionsCard';

afterEach(() => vi.restoreAllMocks());

const older = {
  ...lastCall,
  id: 'call-0',
  fromNumber: '+390577000000',
  startedAt: lastCall.startedAt - 3_600_000,
};

describe('Ticket actions card', () => {
  it('opens a ticket from the latest call of the ticket record in the sidebar', async () => {
    const sidecar = fakeSidecar({
      'GET /api/cards/calls': { body: { calls: [lastCall, older] } },
      'POST /api/cards/tickets': {
        status: 201,
        body: { ticket: { ticketId: '501', created: true, subject: 'Call from +390577111222' } },
      },
    });
    const r = createRenderer('crm.record.sidebar');
    r.mocks.context.crm.objectTypeId = '0-5';
    r.mocks.context.crm.objectId = 77;
    r.render(<TicketActionsCard />);
    await r.waitFor(() =>
      expect(r.findByTestId(Text, 'caller').text).toBe('Caller: +390577111222'),
    );
    expect(sidecar.calls[0]!.url).toBe(
      'https://sidecar.example.com/api/cards/calls?objectType=tickets&objectId=77',
    );
    r.findByTestId(Button, 'open-ticket').trigger('onClick');
    await r.waitFor(() =>
      expect(r.findByTestId(Alert, 'opened').props.title).toBe('Ticket opened'),
    );
    expect(r.findByTestId(Alert, 'opened').text).toBe('#501: Call from +390577111222');
    expect(sidecar.of('POST', '/api/cards/tickets')[0]!.body).toEqual({
      callId: 'call-1',
      record: { objectType: 'tickets', objectId: '77' },
    });
  });

  it('uses the call the agent picks, in the help desk too', async () => {
    const sidecar = fakeSidecar({
      'GET /api/cards/calls': { body: { calls: [lastCall, older] } },
      'POST /api/cards/tickets': {
        body: { ticket: { ticketId: '502', created: false, subject: 'Call from +390577000000' } },
      },
    });
    const r = createRenderer('helpdesk.sidebar');
    r.mocks.context.crm.objectTypeId = '0-5';
    r.render(<TicketActionsCard />);
    await r.waitFor(() => r.findByTestId(Select, 'call'));
    changeTo(r.findByTestId(Select, 'call'), 'call-0');
    expect(r.findByTestId(Text, 'caller').text).toBe('Caller: +390577000000');
    r.findByTestId(Button, 'open-ticket').trigger('onClick');
    await r.waitFor(() =>
      expect(r.findByTestId(Alert, 'opened').props.title).toBe('This call already has its ticket'),
    );
    expect(sidecar.of('POST', '/api/cards/tickets')[0]!.body).toMatchObject({ callId: 'call-0' });
  });

  it('asks to retry while the call is still on its way to HubSpot', async () => {
    fakeSidecar({
      'GET /api/cards/calls': { body: { calls: [lastCall] } },
      'POST /api/cards/tickets': {
        status: 409,
        body: {
          error: {
            code: 'CALL_NOT_IN_CRM_YET',
            message: 'the call is still being written to HubSpot; try again in a moment',
          },
        },
      },
    });
    const r = createRenderer('crm.record.sidebar');
    r.mocks.context.crm.objectTypeId = '0-5';
    r.render(<TicketActionsCard />);
    await r.waitFor(() => r.findByTestId(Button, 'open-ticket'));
    r.findByTestId(Button, 'open-ticket').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Alert, 'failed').props.title).toBe('Not yet'));
    expect(r.findByTestId(Alert, 'failed').props.variant).toBe('warning');
    expect(r.findByTestId(Button, 'open-ticket').props.disabled).toBe(false);
  });
});
