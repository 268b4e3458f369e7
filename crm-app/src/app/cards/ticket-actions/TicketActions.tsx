// Entry point of the Ticket actions card (ticket-actions-hsmeta.json, record sidebar).
import { hubspot } from '@hubspot/ui-extensions';
import { TicketActionsCard } from './TicketActionsCard';

hubspot.extend<'crm.record.sidebar'>(() => <TicketActionsCard />);
