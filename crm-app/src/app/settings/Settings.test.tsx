import {
  Alert,
  Button,
  Input,
  Select,
  Table,
  TableCell,
  Text,
  TextArea,
  Toggle,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gasScript } from '../cards/lib/fixtures';
import { changeTo, fakeSidecar } from '../cards/lib/test-fetch';
import type { SettingsView } from '../cards/lib/types';
import { SettingsPage } from './SettingsPage';

afterEach(() => vi.restoreAllMocks());

const settings: SettingsView = {
  routing: {
    timeZone: 'Europe/Rome',
    numbers: [{ number: '+390577235501', label: 'Support', flow: 'support-gate' }],
    hours: [{ day: 1, open: '08:30', close: '18:00' }],
    holidays: [{ date: '2026-12-25', name: 'Natale' }],
    emergency: { enabled: false, text: '' },
  },
  acd: {
    agents: [{ id: 'ag1', name: 'Anna', skills: ['gas'], state: 'available' }],
    queues: [{ id: 'q1', name: 'Support', strategy: 'ring-all', skills: ['gas'] }],
    strategies: ['ring-all', 'longest-idle'],
  },
};

const loaded = (over: Partial<SettingsView> = {}) =>
  fakeSidecar({
    'GET /api/cards/settings': { body: { ...settings, ...over } },
    'GET /api/cards/scripts': { body: { scripts: [gasScript] } },
    'PUT /api/cards/settings/emergency': { body: { routing: settings.routing } },
    'PUT /api/cards/settings/hours': { body: { routing: settings.routing } },
    'POST /api/cards/settings/holidays': { body: { routing: settings.routing } },
    'DELETE /api/cards/settings/holidays/2026-12-25': { body: { routing: settings.routing } },
    'PUT /api/cards/settings/queues/q1': { body: { queue: settings.acd!.queues[0] } },
    'POST /api/cards/scripts': { body: { script: gasScript } },
    'DELETE /api/cards/scripts/s1': { body: { deleted: true } },
  });

describe('Settings page', () => {
  it('shows numbers, hours, holidays, agents, queues and scripts', async () => {
    loaded();
    const r = createRenderer('settings');
    r.render(<SettingsPage />);
    await r.waitFor(() => r.findByTestId(Table, 'numbers'));
    expect(
      r
        .findByTestId(Table, 'numbers')
        .findAll(TableCell)
        .map((c) => c.text),
    ).toEqual(['+390577235501', 'Support', 'support-gate']);
    expect(
      r
        .findByTestId(Table, 'agents')
        .findAll(TableCell)
        .map((c) => c.text),
    ).toEqual(['Anna', 'gas', 'available']);
    expect(r.findByTestId(Select, 'strategy-q1').props.value).toBe('ring-all');
    expect(r.findAll(Text).map((t) => t.text)).toEqual(
      expect.arrayContaining([
        'Mon 08:30–18:00',
        '2026-12-25 Natale',
        'gas-leak: Gas leak report (3 steps)',
      ]),
    );
  });

  it('switches the emergency announcement on with its text', async () => {
    const sidecar = loaded();
    const r = createRenderer('settings');
    r.render(<SettingsPage />);
    await r.waitFor(() => r.findByTestId(Toggle, 'emergency-enabled'));
    changeTo(r.findByTestId(Toggle, 'emergency-enabled'), true);
    changeTo(r.findByTestId(TextArea, 'emergency-text'), 'Gas network works in Siena today.');
    r.findByTestId(Button, 'save-emergency').trigger('onClick');
    await r.waitFor(() =>
      expect(sidecar.of('PUT', '/api/cards/settings/emergency')).toHaveLength(1),
    );
    expect(sidecar.of('PUT', '/api/cards/settings/emergency')[0]!.body).toEqual({
      enabled: true,
      text: 'Gas network works in Siena today.',
    });
  });

  it('adds and removes holidays and changes a queue strategy', async () => {
    const sidecar = loaded();
    const r = createRenderer('settings');
    r.render(<SettingsPage />);
    await r.waitFor(() => r.findByTestId(Button, 'add-holiday'));
    expect(r.findByTestId(Button, 'add-holiday').props.disabled).toBe(true);
    changeTo(r.findByTestId(Input, 'holiday-date'), '2026-08-15');
    changeTo(r.findByTestId(Input, 'holiday-name'), 'Ferragosto');
    changeTo(r.findByTestId(Input, 'holiday-text'), 'Uffici chiusi per Ferragosto.');
    r.findByTestId(Button, 'add-holiday').trigger('onClick');
    await r.waitFor(() =>
      expect(sidecar.of('POST', '/api/cards/settings/holidays')).toHaveLength(1),
    );
    expect(sidecar.of('POST', '/api/cards/settings/holidays')[0]!.body).toEqual({
      date: '2026-08-15',
      name: 'Ferragosto',
      text: 'Uffici chiusi per Ferragosto.',
    });
    await r.waitFor(() =>
      expect(r.findByTestId(Button, 'remove-holiday-2026-12-25').props.disabled).toBe(false),
    );
    r.findByTestId(Button, 'remove-holiday-2026-12-25').trigger('onClick');
    await r.waitFor(() =>
      expect(sidecar.of('DELETE', '/api/cards/settings/holidays/2026-12-25')).toHaveLength(1),
    );
    await r.waitFor(() => expect(r.findByTestId(Select, 'strategy-q1').props.readOnly).toBe(false));
    changeTo(r.findByTestId(Select, 'strategy-q1'), 'longest-idle');
    await r.waitFor(() =>
      expect(sidecar.of('PUT', '/api/cards/settings/queues/q1')).toHaveLength(1),
    );
    expect(sidecar.of('PUT', '/api/cards/settings/queues/q1')[0]!.body).toEqual({
      strategy: 'longest-idle',
    });
  });

  it('adds a script from JSON and refuses text that is not JSON without calling the sidecar', async () => {
    const sidecar = loaded();
    const r = createRenderer('settings');
    r.render(<SettingsPage />);
    await r.waitFor(() => r.findByTestId(TextArea, 'script-json'));
    changeTo(r.findByTestId(TextArea, 'script-json'), '{ not json');
    r.findByTestId(Button, 'add-script').trigger('onClick');
    expect(r.findByTestId(Text, 'script-json-error').text).toMatch(/^Not JSON/);
    expect(sidecar.of('POST', '/api/cards/scripts')).toHaveLength(0);

    const definition = {
      callType: gasScript.callType,
      name: gasScript.name,
      steps: gasScript.steps,
    };
    changeTo(r.findByTestId(TextArea, 'script-json'), JSON.stringify(definition));
    r.findByTestId(Button, 'add-script').trigger('onClick');
    await r.waitFor(() => expect(sidecar.of('POST', '/api/cards/scripts')).toHaveLength(1));
    expect(sidecar.of('POST', '/api/cards/scripts')[0]!.body).toEqual(definition);
  });

  it('edits the opening hours as lines and refuses a line it cannot read without calling the sidecar', async () => {
    const sidecar = loaded();
    const r = createRenderer('settings');
    r.render(<SettingsPage />);
    await r.waitFor(() => r.findByTestId(TextArea, 'hours-text'));
    expect(r.findByTestId(TextArea, 'hours-text').props.value).toBe('Mon 08:30-18:00');
    changeTo(r.findByTestId(TextArea, 'hours-text'), 'Mon 08:30-18:00\nFunday 09:00-10:00');
    r.findByTestId(Button, 'save-hours').trigger('onClick');
    expect(r.findByTestId(Text, 'hours-error').text).toMatch(/^Line 2: write "Mon 08:30-18:00"/);
    expect(sidecar.of('PUT', '/api/cards/settings/hours')).toHaveLength(0);

    changeTo(r.findByTestId(TextArea, 'hours-text'), 'Mon 08:30-18:00\n\ntue 09:00 - 13:00');
    r.findByTestId(Button, 'save-hours').trigger('onClick');
    await r.waitFor(() => expect(sidecar.of('PUT', '/api/cards/settings/hours')).toHaveLength(1));
    expect(sidecar.of('PUT', '/api/cards/settings/hours')[0]!.body).toEqual({
      hours: [
        { day: 1, open: '08:30', close: '18:00' },
        { day: 2, open: '09:00', close: '13:00' },
      ],
    });
  });

  it('shows closure periods and offers no remove for entries from the flows file', async () => {
    loaded({
      routing: {
        ...settings.routing!,
        holidays: [
          {
            date: '2026-12-25',
            name: 'Natale',
            kind: 'holiday',
            to: '2026-12-25',
            removable: false,
          },
          {
            date: '2026-08-10',
            name: 'Inventario',
            kind: 'closure',
            to: '2026-08-14',
            removable: true,
          },
        ],
      },
    });
    const r = createRenderer('settings');
    r.render(<SettingsPage />);
    await r.waitFor(() => r.findByTestId(Button, 'remove-holiday-2026-08-10'));
    expect(r.findAll(Text).map((t) => t.text)).toEqual(
      expect.arrayContaining(['2026-12-25 Natale', '2026-08-10–2026-08-14 Inventario']),
    );
    expect(r.findAll(Button).some((b) => b.props.testId === 'remove-holiday-2026-12-25')).toBe(
      false,
    );
  });

  it('says what is not available and shows refusals', async () => {
    fakeSidecar({
      'GET /api/cards/settings': { body: { routing: settings.routing, acd: null } },
      'GET /api/cards/scripts': { body: { scripts: [] } },
      'PUT /api/cards/settings/emergency': {
        status: 400,
        body: {
          error: { code: 'INVALID_SETTINGS', message: 'an enabled announcement needs a text' },
        },
      },
    });
    const r = createRenderer('settings');
    r.render(<SettingsPage />);
    await r.waitFor(() => r.findByTestId(Text, 'acd-unavailable'));
    changeTo(r.findByTestId(Toggle, 'emergency-enabled'), true);
    r.findByTestId(Button, 'save-emergency').trigger('onClick');
    await r.waitFor(() =>
      expect(r.findByTestId(Alert, 'problem').text).toBe('an enabled announcement needs a text'),
    );
  });
});
