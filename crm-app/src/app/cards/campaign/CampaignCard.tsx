// Campaign card (H3, C1–C6): the call campaigns this contact is in, each with its progress
// (dialled, answered, yes, no, pending, failed), this contact's answer, and Start / Pause /
// Cancel. While a campaign runs the card reloads itself, so the progress stays live.
import {
  Alert,
  Button,
  ButtonRow,
  Divider,
  EmptyState,
  Flex,
  Heading,
  LoadingSpinner,
  ProgressBar,
  StatusTag,
  Text,
  useExtensionContext,
} from '@hubspot/ui-extensions';
import { Fragment, useEffect, useState } from 'react';
import { recordOf } from '../lib/record';
import { sidecar } from '../lib/sidecar';
import type { CampaignAction, CampaignProgress, ContactCampaign, RecordRef } from '../lib/types';
import { errorText, useLoad } from '../lib/use-load';

/** How often a running campaign's progress is fetched again. */
export const LIVE_REFRESH_MS = 15_000;

const RSVP_LABEL = { yes: 'Will attend', no: 'Will not attend' } as const;

export function CampaignCard({ refreshMs = LIVE_REFRESH_MS }: { refreshMs?: number }) {
  const context = useExtensionContext<'crm.record.tab'>();
  const record = recordOf(context.crm);
  if (!record || record.objectType !== 'contacts')
    return (
      <EmptyState title="Not available here">
        <Text>Campaigns call contacts; this card works on contacts.</Text>
      </EmptyState>
    );
  return <Campaigns record={record} refreshMs={refreshMs} />;
}

/** Finished = no longer waiting for a call or an SMS reply. */
const finished = (p: CampaignProgress) => p.total - p.pending;

function ProgressLine({ p }: { p: CampaignProgress }) {
  return (
    <Flex direction="column" gap="extra-small">
      <ProgressBar
        testId={`progress-${p.id}`}
        title="Progress"
        value={finished(p)}
        maxValue={Math.max(p.total, 1)}
        valueDescription={`${finished(p)} of ${p.total} contacts done`}
        variant={p.failed > 0 ? 'warning' : 'success'}
      />
      <Text testId={`counts-${p.id}`} variant="microcopy">
        {`Dialled ${p.dialled} · answered ${p.answered} · yes ${p.yes} · no ${p.no} · pending ${p.pending} · failed ${p.failed}`}
      </Text>
    </Flex>
  );
}

function Campaigns({ record, refreshMs }: { record: RecordRef; refreshMs: number }) {
  const [state, reload] = useLoad(() => sidecar.campaigns(record), `contacts/${record.objectId}`);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const running =
    state.kind === 'ready' && state.data.campaigns.some((c) => c.campaign.state === 'running');
  useEffect(() => {
    if (!running) return undefined;
    const timer = setTimeout(reload, refreshMs);
    return () => clearTimeout(timer);
  }, [running, state, reload, refreshMs]);

  const act = (campaignId: string, action: CampaignAction) => {
    setBusy(true);
    setActionError(null);
    sidecar.campaignAction(campaignId, action).then(
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

  if (state.kind === 'loading') return <LoadingSpinner label="Loading campaigns" />;
  if (state.kind === 'error')
    return (
      <Alert title="Could not load campaigns" variant="error">
        {state.message}
      </Alert>
    );
  const { campaigns } = state.data;
  if (campaigns.length === 0)
    return (
      <EmptyState title="No campaigns">
        <Text testId="no-campaigns">This contact is in no call campaign.</Text>
      </EmptyState>
    );
  return (
    <Flex direction="column" gap="medium">
      {actionError ? (
        <Alert title="That did not work" variant="error">
          {actionError}
        </Alert>
      ) : null}
      {campaigns.map((c, i) => (
        <Fragment key={c.campaign.id}>
          {i > 0 ? <Divider /> : null}
          <CampaignBlock entry={c} busy={busy} act={act} />
        </Fragment>
      ))}
    </Flex>
  );
}

function CampaignBlock({
  entry,
  busy,
  act,
}: {
  entry: ContactCampaign;
  busy: boolean;
  act: (campaignId: string, action: CampaignAction) => void;
}) {
  const { campaign: p, contact } = entry;
  const startAction: CampaignAction | null =
    p.state === 'draft' ? 'start' : p.state === 'paused' ? 'resume' : null;
  const cancellable = ['draft', 'scheduled', 'running', 'paused'].includes(p.state);
  return (
    <Flex direction="column" gap="small">
      <Flex direction="row" gap="small" align="center">
        <Heading>{p.name}</Heading>
        <StatusTag testId={`state-${p.id}`} variant={p.state === 'running' ? 'success' : 'default'}>
          {p.state}
        </StatusTag>
      </Flex>
      <ProgressLine p={p} />
      <Flex direction="row" gap="small" align="center">
        <Text format={{ fontWeight: 'bold' }}>This contact</Text>
        {contact.rsvp ? (
          <StatusTag
            testId={`rsvp-${p.id}`}
            variant={contact.rsvp === 'yes' ? 'success' : 'danger'}
          >
            {RSVP_LABEL[contact.rsvp]}
          </StatusTag>
        ) : (
          <StatusTag testId={`rsvp-${p.id}`} variant="default">
            No answer yet
          </StatusTag>
        )}
        <Text testId={`contact-${p.id}`} variant="microcopy">
          {`${contact.state}, ${contact.attempts} call${contact.attempts === 1 ? '' : 's'}${contact.lastOutcome ? `, last: ${contact.lastOutcome}` : ''}`}
        </Text>
      </Flex>
      <ButtonRow>
        <Button
          testId={`start-${p.id}`}
          variant="primary"
          disabled={busy || !startAction}
          onClick={() => {
            if (startAction) act(p.id, startAction);
          }}
        >
          {p.state === 'paused' ? 'Resume' : 'Start'}
        </Button>
        <Button
          testId={`pause-${p.id}`}
          variant="secondary"
          disabled={busy || p.state !== 'running'}
          onClick={() => act(p.id, 'pause')}
        >
          Pause
        </Button>
        <Button
          testId={`cancel-${p.id}`}
          variant="destructive"
          disabled={busy || !cancellable}
          onClick={() => act(p.id, 'cancel')}
        >
          Cancel
        </Button>
      </ButtonRow>
    </Flex>
  );
}
