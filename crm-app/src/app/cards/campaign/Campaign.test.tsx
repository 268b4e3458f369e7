import { Alert, Button, EmptyState, ProgressBar, StatusTag, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSidecar } from '../lib/test-fetch';
import type { CampaignProgress, ContactCampaign } from '../lib/types';
import { CampaignCard } from './CampaignCard';

const progress = (over: Partial<CampaignProgress> = {}): CampaignProgress => ({
  id: 'c-gala',
  name: 'Gala invitation',
  state: 'running',
  total: 10,
  dialled: 7,
  answered: 5,
  yes: 3,
  no: 2,
  pending: 4,
  failed: 1,
  skipped: 0,
  ...over,
});

const entry = (over: Partial<CampaignProgress> = {}, rsvp: 'yes' | 'no' | null = 'yes') =>
  ({
    campaign: progress(over),
    contact: { state: 'done', attempts: 2, rsvp, lastOutcome: 'answered' },
  }) satisfies ContactCampaign;

afterEach(() => vi.restoreAllMocks());

describe('Campaign card', () => {
  it('asks about the contact it is on and shows progress, counts and the answer', async () => {
    const sidecar = fakeSidecar({ 'GET /api/cards/campaigns': { body: { campaigns: [entry()] } } });
    const r = createRenderer('crm.record.tab');
    r.render(<CampaignCard />);
    await r.waitFor(() => r.findByTestId(ProgressBar, 'progress-c-gala'));
    expect(sidecar.calls[0]!.url).toBe(
      'https://sidecar.example.com/api/cards/campaigns?objectType=contacts&objectId=123',
    );
    const bar = r.findByTestId(ProgressBar, 'progress-c-gala');
    expect([bar.props.value, bar.props.maxValue]).toEqual([6, 10]);
    expect(bar.props.valueDescription).toBe('6 of 10 contacts done');
    expect(r.findByTestId(Text, 'counts-c-gala').text).toBe(
      'Dialled 7 · answered 5 · yes 3 · no 2 · pending 4 · failed 1',
    );
    expect(r.findByTestId(StatusTag, 'rsvp-c-gala').text).toBe('Will attend');
    expect(r.findByTestId(Text, 'contact-c-gala').text).toBe('done, 2 calls, last: answered');
    expect(r.findByTestId(StatusTag, 'state-c-gala').text).toBe('running');
  });

  it('offers the buttons the state allows', async () => {
    fakeSidecar({
      'GET /api/cards/campaigns': {
        body: {
          campaigns: [
            entry({ id: 'c-draft', state: 'draft' }, null),
            entry({ id: 'c-paused', state: 'paused' }),
            entry({ id: 'c-done', state: 'completed' }),
          ],
        },
      },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CampaignCard />);
    await r.waitFor(() => r.findByTestId(Button, 'start-c-draft'));
    const enabled = (id: string) => !r.findByTestId(Button, id).props.disabled;
    expect([enabled('start-c-draft'), enabled('pause-c-draft'), enabled('cancel-c-draft')]).toEqual(
      [true, false, true],
    );
    expect(r.findByTestId(Button, 'start-c-paused').text).toBe('Resume');
    expect(enabled('start-c-paused')).toBe(true);
    expect([enabled('start-c-done'), enabled('pause-c-done'), enabled('cancel-c-done')]).toEqual([
      false,
      false,
      false,
    ]);
    expect(r.findByTestId(StatusTag, 'rsvp-c-draft').text).toBe('No answer yet');
  });

  it('Pause, Resume and Cancel call the campaign endpoints and reload', async () => {
    let state: CampaignProgress['state'] = 'running';
    const sidecar = fakeSidecar({
      'GET /api/cards/campaigns': () => ({ body: { campaigns: [entry({ state })] } }),
      'POST /api/cards/campaigns/c-gala/pause': () => {
        state = 'paused';
        return { body: { state } };
      },
      'POST /api/cards/campaigns/c-gala/resume': () => {
        state = 'running';
        return { body: { state } };
      },
      'POST /api/cards/campaigns/c-gala/cancel': () => {
        state = 'cancelled';
        return { body: { state } };
      },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CampaignCard />);
    const stateIs = (s: string) =>
      r.waitFor(() => expect(r.findByTestId(StatusTag, 'state-c-gala').text).toBe(s));
    await stateIs('running');
    r.findByTestId(Button, 'pause-c-gala').trigger('onClick');
    await stateIs('paused');
    r.findByTestId(Button, 'start-c-gala').trigger('onClick');
    await stateIs('running');
    r.findByTestId(Button, 'cancel-c-gala').trigger('onClick');
    await stateIs('cancelled');
    expect(
      sidecar.calls.filter((c) => c.method === 'POST').map((c) => new URL(c.url).pathname),
    ).toEqual([
      '/api/cards/campaigns/c-gala/pause',
      '/api/cards/campaigns/c-gala/resume',
      '/api/cards/campaigns/c-gala/cancel',
    ]);
    expect(r.findByTestId(Button, 'cancel-c-gala').props.disabled).toBe(true);
  });

  it('Start on a draft posts start', async () => {
    const sidecar = fakeSidecar({
      'GET /api/cards/campaigns': { body: { campaigns: [entry({ state: 'draft' })] } },
      'POST /api/cards/campaigns/c-gala/start': { body: { state: 'running' } },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CampaignCard />);
    await r.waitFor(() => r.findByTestId(Button, 'start-c-gala'));
    r.findByTestId(Button, 'start-c-gala').trigger('onClick');
    await r.waitFor(() =>
      expect(sidecar.of('POST', '/api/cards/campaigns/c-gala/start')).toHaveLength(1),
    );
  });

  it('shows the refusal of an action', async () => {
    fakeSidecar({
      'GET /api/cards/campaigns': { body: { campaigns: [entry()] } },
      'POST /api/cards/campaigns/c-gala/pause': {
        status: 409,
        body: { error: { code: 'CAMPAIGN_STATE', message: 'cannot pause a completed campaign' } },
      },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CampaignCard />);
    await r.waitFor(() => r.findByTestId(Button, 'pause-c-gala'));
    r.findByTestId(Button, 'pause-c-gala').trigger('onClick');
    await r.waitFor(() => expect(r.find(Alert).text).toBe('cannot pause a completed campaign'));
  });

  it('reloads by itself while a campaign runs', async () => {
    let answered = 5;
    const sidecar = fakeSidecar({
      'GET /api/cards/campaigns': () => ({
        body: { campaigns: [entry({ answered: answered++ })] },
      }),
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CampaignCard refreshMs={10} />);
    await r.waitFor(() =>
      expect(r.findByTestId(Text, 'counts-c-gala').text).toContain('answered 7'),
    );
    expect(sidecar.of('GET', '/api/cards/campaigns').length).toBeGreaterThanOrEqual(3);
  });

  it('says so when the contact is in no campaign, and on other records', async () => {
    fakeSidecar({ 'GET /api/cards/campaigns': { body: { campaigns: [] } } });
    const r = createRenderer('crm.record.tab');
    r.render(<CampaignCard />);
    await r.waitFor(() =>
      expect(r.findByTestId(Text, 'no-campaigns').text).toBe(
        'This contact is in no call campaign.',
      ),
    );
    const onCompany = createRenderer('crm.record.tab');
    onCompany.mocks.context.crm.objectTypeId = '0-2';
    onCompany.render(<CampaignCard />);
    expect(onCompany.find(EmptyState).props.title).toBe('Not available here');
  });
});
