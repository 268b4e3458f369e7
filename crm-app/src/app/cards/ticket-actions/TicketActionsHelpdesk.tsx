// Entry point of the Ticket actions card in the help desk sidebar
// (ticket-actions-helpdesk-hsmeta.json).
import { hubspot } from '@hubspot/ui-extensions';
import { TicketActionsCard } from './TicketActionsCard';

hubspot.extend<'helpdesk.sidebar'>(() => <TicketActionsCard />);
