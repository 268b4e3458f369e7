// Shared test data for card tests.
import type { CallScript, CallSummary } from './types';

export const gasScript: CallScript = {
  id: 's1',
  callType: 'gas-leak',
  name: 'Gas leak report',
  steps: [
    {
      id: 'smell',
      title: 'Smell',
      guidance: 'Ask calmly; keep the caller on the line.',
      questions: [{ id: 'smell', prompt: 'Do you smell gas?', type: 'yes-no', required: true }],
      branches: [{ questionId: 'smell', equals: false, goto: 'meter' }],
    },
    {
      id: 'evacuate',
      title: 'Safety',
      guidance: '',
      questions: [
        { id: 'people', prompt: 'How many people inside?', type: 'number', required: true },
        {
          id: 'where',
          prompt: 'Where?',
          type: 'choice',
          choices: ['kitchen', 'cellar', 'street'],
          required: true,
        },
      ],
      branches: [],
      next: null,
    },
    {
      id: 'meter',
      title: 'Meter',
      guidance: '',
      questions: [{ id: 'reading', prompt: 'Meter reading?', type: 'text', required: false }],
      branches: [],
    },
  ],
};

export const lastCall: CallSummary = {
  id: 'call-1',
  direction: 'INBOUND',
  fromNumber: '+390577111222',
  toNumber: '+390577235501',
  contactId: '123',
  outcome: 'COMPLETED',
  startedAt: Date.UTC(2026, 0, 5, 9, 30),
  durationMs: 60_000,
  recordingUrl: null,
  hubspotCallId: '9001',
};
