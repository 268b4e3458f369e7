import {
  Alert,
  Button,
  EmptyState,
  Heading,
  NumberInput,
  Select,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gasScript, lastCall } from '../lib/fixtures';
import { changeTo, fakeSidecar } from '../lib/test-fetch';
import { CallScriptCard } from './CallScriptCard';

afterEach(() => vi.restoreAllMocks());

const loaded = () =>
  fakeSidecar({
    'GET /api/cards/scripts': { body: { scripts: [gasScript] } },
    'GET /api/cards/calls': { body: { calls: [lastCall] } },
    'POST /api/cards/script-answers': (call) => ({
      status: 201,
      body: {
        created: true,
        answers: {
          id: 'a1',
          callId: call.body!.callId,
          scriptId: 's1',
          summary: 'Do you smell gas? yes',
        },
      },
    }),
  });

describe('Call script card', () => {
  it('walks the branch the answers take and saves only the answered path', async () => {
    const sidecar = loaded();
    const r = createRenderer('crm.record.tab');
    r.render(<CallScriptCard />);
    await r.waitFor(() => expect(r.find(Heading).text).toBe('Smell'));
    expect(r.findByTestId(Text, 'guidance').text).toBe('Ask calmly; keep the caller on the line.');
    expect(sidecar.calls.map((c) => c.url).sort()).toEqual([
      'https://sidecar.example.com/api/cards/calls?objectType=contacts&objectId=123',
      'https://sidecar.example.com/api/cards/scripts',
    ]);

    changeTo(r.findByTestId(Select, 'q-smell'), true);
    r.findByTestId(Button, 'next').trigger('onClick');
    expect(r.find(Heading).text).toBe('Safety');
    changeTo(r.findByTestId(NumberInput, 'q-people'), 3);
    changeTo(r.findByTestId(Select, 'q-where'), 'kitchen');
    r.findByTestId(Button, 'next').trigger('onClick');
    expect(r.findByTestId(Text, 'review').text).toContain('Script complete');

    r.findByTestId(Button, 'save').trigger('onClick');
    await r.waitFor(() =>
      expect(r.findByTestId(Alert, 'saved').text).toBe('Do you smell gas? yes'),
    );
    expect(sidecar.of('POST', '/api/cards/script-answers')[0]!.body).toEqual({
      callId: 'call-1',
      scriptId: 's1',
      record: { objectType: 'contacts', objectId: '123' },
      answers: { smell: { smell: true }, evacuate: { people: 3, where: 'kitchen' } },
    });
  });

  it('follows the "no" branch to the meter step', async () => {
    loaded();
    const r = createRenderer('crm.record.tab');
    r.render(<CallScriptCard />);
    await r.waitFor(() => expect(r.find(Heading).text).toBe('Smell'));
    changeTo(r.findByTestId(Select, 'q-smell'), false);
    r.findByTestId(Button, 'next').trigger('onClick');
    expect(r.find(Heading).text).toBe('Meter');
  });

  it('does not move on while a required question is unanswered', async () => {
    const sidecar = loaded();
    const r = createRenderer('crm.record.tab');
    r.render(<CallScriptCard />);
    await r.waitFor(() => expect(r.find(Heading).text).toBe('Smell'));
    r.findByTestId(Button, 'next').trigger('onClick');
    expect(r.findByTestId(Alert, 'problem').text).toBe('Please answer: Do you smell gas?');
    expect(r.find(Heading).text).toBe('Smell');
    expect(sidecar.of('POST', '/api/cards/script-answers')).toHaveLength(0);
  });

  it('shows the sidecar refusal and lets the agent try again', async () => {
    fakeSidecar({
      'GET /api/cards/scripts': { body: { scripts: [gasScript] } },
      'GET /api/cards/calls': { body: { calls: [lastCall] } },
      'POST /api/cards/script-answers': {
        status: 409,
        body: {
          error: {
            code: 'ANSWERS_ALREADY_SAVED',
            message: 'this call already has answers to this script',
          },
        },
      },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CallScriptCard />);
    await r.waitFor(() => expect(r.find(Heading).text).toBe('Smell'));
    changeTo(r.findByTestId(Select, 'q-smell'), false);
    r.findByTestId(Button, 'next').trigger('onClick');
    r.findByTestId(Button, 'next').trigger('onClick');
    r.findByTestId(Button, 'save').trigger('onClick');
    await r.waitFor(() =>
      expect(r.findByTestId(Alert, 'problem').text).toBe(
        'this call already has answers to this script',
      ),
    );
    expect(r.findByTestId(Button, 'save').props.disabled).toBe(false);
  });

  it('explains when there is no script yet', async () => {
    fakeSidecar({
      'GET /api/cards/scripts': { body: { scripts: [] } },
      'GET /api/cards/calls': { body: { calls: [lastCall] } },
    });
    const r = createRenderer('crm.record.tab');
    r.render(<CallScriptCard />);
    await r.waitFor(() => expect(r.find(EmptyState).props.title).toBe('No call scripts yet'));
    expect(r.find(EmptyState).find(Text).text).toContain('An admin adds scripts');
  });
});
