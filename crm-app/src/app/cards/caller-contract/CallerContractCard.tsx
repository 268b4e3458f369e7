// Caller & contract (S4–S6, T4): the record's support status with grant/revoke, the numbers
// remembered for it, and its recent calls with their recordings.
import {
  Alert,
  Button,
  ButtonRow,
  Divider,
  EmptyState,
  Flex,
  Heading,
  Link,
  LoadingSpinner,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  useExtensionContext,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import { formatDuration, formatWhen, recordOf } from '../lib/record';
import { newRequestId, sidecar } from '../lib/sidecar';
import type { RecordRef, SupportAction, SupportStatus, SupportView } from '../lib/types';
import { errorText, useLoad } from '../lib/use-load';

const STATUS_LABEL: Record<SupportStatus, string> = {
  paid: 'Paid',
  unpaid: 'Unpaid',
  expired: 'Expired',
  pending_authorization: 'Pending authorization',
};
const STATUS_VARIANT: Record<SupportStatus, 'success' | 'danger' | 'warning' | 'info'> = {
  paid: 'success',
  unpaid: 'danger',
  expired: 'warning',
  pending_authorization: 'info',
};

function SupportStatusLine({ support }: { support: SupportView }) {
  const shown = support.pending?.status ?? support.status;
  return (
    <Flex direction="row" gap="small" align="center">
      <Text format={{ fontWeight: 'bold' }}>Support</Text>
      {shown ? (
        <StatusTag testId="support-status" variant={STATUS_VARIANT[shown]}>
          {STATUS_LABEL[shown]}
        </StatusTag>
      ) : (
        <StatusTag testId="support-status" variant="default">
          {support.raw ? `Unknown (${support.raw})` : 'Not set'}
        </StatusTag>
      )}
      {support.pending ? (
        <Text testId="support-pending" variant="microcopy">
          saving to HubSpot…
        </Text>
      ) : null}
    </Flex>
  );
}

export function CallerContractCard() {
  const context = useExtensionContext<'crm.record.tab'>();
  const record = recordOf(context.crm);
  if (!record)
    return (
      <EmptyState title="Not available here">
        <Text>This card works on contacts, companies and deals.</Text>
      </EmptyState>
    );
  return <CallerContract record={record} />;
}

function CallerContract({ record }: { record: RecordRef }) {
  const [state, reload] = useLoad(
    () => sidecar.caller(record),
    `${record.objectType}/${record.objectId}`,
  );
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const act = (work: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    work().then(
      () => {
        setBusy(false);
        reload();
      },
      (err: unknown) => {
        setBusy(false);
        setActionError(errorText(err));
      },
    );
  };
  const change = (action: SupportAction) =>
    act(() => sidecar.changeSupport(record, action, newRequestId()));

  if (state.kind === 'loading') return <LoadingSpinner label="Loading caller and contract" />;
  if (state.kind === 'error')
    return (
      <Alert title="Could not load caller and contract" variant="error">
        {state.message}
      </Alert>
    );
  const { support, rememberedNumbers, recentCalls } = state.data;
  const effective = support.pending?.status ?? support.status;
  return (
    <Flex direction="column" gap="medium">
      {actionError ? (
        <Alert title="That did not work" variant="error">
          {actionError}
        </Alert>
      ) : null}
      <SupportStatusLine support={support} />
      <ButtonRow>
        <Button
          testId="grant"
          variant="primary"
          disabled={busy || effective === 'paid'}
          onClick={() => change('grant')}
        >
          Grant support
        </Button>
        <Button
          testId="revoke"
          variant="destructive"
          disabled={busy || effective === 'unpaid'}
          onClick={() => change('revoke')}
        >
          Revoke support
        </Button>
      </ButtonRow>
      <Divider />
      <Heading>Remembered numbers</Heading>
      {rememberedNumbers === null ? (
        <Text variant="microcopy">Not available on this sidecar.</Text>
      ) : rememberedNumbers.length === 0 ? (
        <Text testId="no-numbers">No numbers remembered yet.</Text>
      ) : (
        rememberedNumbers.map((n) => (
          <Flex key={n.number} direction="row" gap="small" align="center">
            <Text>{n.number}</Text>
            <Button
              testId={`remove-${n.number}`}
              size="xs"
              variant="secondary"
              disabled={busy}
              onClick={() => act(() => sidecar.removeNumber(record, n.number))}
            >
              Remove
            </Button>
          </Flex>
        ))
      )}
      <Divider />
      <Heading>Recent calls</Heading>
      {recentCalls.length === 0 ? (
        <Text testId="no-calls">No calls yet.</Text>
      ) : (
        <Table testId="recent-calls">
          <TableHead>
            <TableRow>
              <TableHeader>When (UTC)</TableHeader>
              <TableHeader>From</TableHeader>
              <TableHeader>Outcome</TableHeader>
              <TableHeader>Talk</TableHeader>
              <TableHeader>Recording</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {recentCalls.map((c) => (
              <TableRow key={c.id}>
                <TableCell>{formatWhen(c.startedAt)}</TableCell>
                <TableCell>{c.fromNumber}</TableCell>
                <TableCell>{c.outcome}</TableCell>
                <TableCell>{formatDuration(c.durationMs)}</TableCell>
                <TableCell>
                  {c.recordingUrl ? (
                    <Link testId={`recording-${c.id}`} href={c.recordingUrl}>
                      Listen
                    </Link>
                  ) : (
                    '—'
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Flex>
  );
}
