// Ticket actions (T6): open a ticket from the current or last call of the record — the
// caller's number for a direct callback, a summary of the script answers, and associations to
// the contact, its company and the call. The sidecar makes it idempotent per call.
import {
  Alert,
  Button,
  EmptyState,
  Flex,
  LoadingSpinner,
  Select,
  Text,
  useExtensionContext,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import { formatWhen, recordOf } from '../lib/record';
import { SidecarError, sidecar } from '../lib/sidecar';
import type { CallSummary, RecordRef } from '../lib/types';
import { errorText, useLoad } from '../lib/use-load';

export function TicketActionsCard() {
  const context = useExtensionContext<'crm.record.sidebar'>();
  const record = recordOf(context.crm);
  if (!record)
    return (
      <EmptyState title="Not available here">
        <Text>Ticket actions work on CRM records.</Text>
      </EmptyState>
    );
  return <TicketActions record={record} />;
}

type Outcome =
  | { kind: 'idle' }
  | { kind: 'opening' }
  | { kind: 'opened'; ticketId: string; created: boolean; subject: string }
  | { kind: 'failed'; message: string; retryLater: boolean };

const caller = (c: CallSummary) => (c.direction === 'INBOUND' ? c.fromNumber : c.toNumber);

function TicketActions({ record }: { record: RecordRef }) {
  const [state] = useLoad(() => sidecar.calls(record), `${record.objectType}/${record.objectId}`);
  const [chosen, setChosen] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  if (state.kind === 'loading') return <LoadingSpinner label="Loading calls" />;
  if (state.kind === 'error')
    return (
      <Alert title="Could not load calls" variant="error">
        {state.message}
      </Alert>
    );
  const calls = state.data.calls;
  if (calls.length === 0)
    return (
      <EmptyState title="No calls yet">
        <Text>A ticket can be opened from a call once one is logged for this record.</Text>
      </EmptyState>
    );
  const call = calls.find((c) => c.id === chosen) ?? calls[0]!;

  const open = () => {
    setOutcome({ kind: 'opening' });
    sidecar.openTicket(call.id, record).then(
      ({ ticket }) => setOutcome({ kind: 'opened', ...ticket }),
      (err: unknown) =>
        setOutcome({
          kind: 'failed',
          message: errorText(err),
          retryLater: err instanceof SidecarError && err.code === 'CALL_NOT_IN_CRM_YET',
        }),
    );
  };

  return (
    <Flex direction="column" gap="small">
      <Select
        testId="call"
        label="From call"
        value={call.id}
        options={calls.map((c) => ({
          label: `${formatWhen(c.startedAt)} ${caller(c)}`,
          value: c.id,
        }))}
        onChange={(v) => {
          setChosen(String(v));
          setOutcome({ kind: 'idle' });
        }}
      />
      <Text testId="caller">Caller: {caller(call)}</Text>
      <Button
        testId="open-ticket"
        variant="primary"
        disabled={outcome.kind === 'opening'}
        onClick={open}
      >
        Open ticket from this call
      </Button>
      {outcome.kind === 'opened' ? (
        <Alert
          testId="opened"
          title={outcome.created ? 'Ticket opened' : 'This call already has its ticket'}
          variant="success"
        >
          #{outcome.ticketId}: {outcome.subject}
        </Alert>
      ) : null}
      {outcome.kind === 'failed' ? (
        <Alert
          testId="failed"
          title={outcome.retryLater ? 'Not yet' : 'Could not open the ticket'}
          variant={outcome.retryLater ? 'warning' : 'error'}
        >
          {outcome.message}
        </Alert>
      ) : null}
    </Flex>
  );
}
