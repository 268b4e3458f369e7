// Entities of the HubSpot app feature (OAuth installs, webhook inbox, ticket mirror, workflow
// action executions), registered with the data source in one line.
import { ActionExecutionEntity } from '../actions/entities.ts';
import { OAuthStateEntity, PortalInstallEntity } from '../oauth/entities.ts';
import { TicketMirrorEntity, WebhookInboxEntity } from '../webhooks/entities.ts';

export const hubspotAppEntities = [
  PortalInstallEntity,
  OAuthStateEntity,
  WebhookInboxEntity,
  TicketMirrorEntity,
  ActionExecutionEntity,
];
