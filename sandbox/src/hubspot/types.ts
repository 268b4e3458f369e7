// Shared types of the HubSpot sandbox's store.

export type ObjectTypeName =
  'contacts' | 'companies' | 'deals' | 'tickets' | 'calls' | 'communications' | 'notes';

export type PropertyType =
  'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool' | 'phone_number';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder?: number;
  hidden?: boolean;
  description?: string;
}

/** Special value checks beyond the property type. */
export type PropertyCheck = 'email' | 'owner' | 'attachments' | 'https';

export interface PropertyDef {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description?: string;
  options?: PropertyOption[];
  readOnly?: boolean;
  hasUniqueValue?: boolean;
  /** Must be present when a record is created. */
  required?: boolean;
  check?: PropertyCheck;
  hubspotDefined: boolean;
  createdAt?: number;
}

export interface SearchSnapshot {
  seq: number;
  visibleAt: number;
  archived: boolean;
  properties: Record<string, string>;
}

export interface CrmRecord {
  id: string;
  type: ObjectTypeName;
  /** Only properties with a value; cleared properties are removed. */
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  /** What search sees, written with a delay that models HubSpot's indexing. */
  snapshots: SearchSnapshot[];
}

export interface StoredFile {
  id: string;
  portalId: number;
  name: string;
  extension: string;
  folderId: string;
  folderPath: string;
  path: string;
  size: number;
  mimeType: string;
  access: string;
  bytes: Buffer;
  baseUrl: string;
  createdAt: number;
  updatedAt: number;
  signature: string;
}

export interface CallbackRecord {
  callbackId: string;
  portalId: number;
  actionDefinitionId?: string;
  objectType?: string;
  objectId?: string;
  createdAt: number;
  completedAt?: number;
  completions: Array<{ at: number; outputFields: Record<string, unknown> }>;
}

export interface TimelineToken {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'enumeration';
  options?: Array<{ label: string; value: string }>;
  objectPropertyName?: string;
}

export interface TimelineTemplate {
  id: string;
  appId: number;
  name: string;
  objectType: ObjectTypeName;
  headerTemplate?: string;
  detailTemplate?: string;
  tokens: TimelineToken[];
  createdAt: number;
  updatedAt: number;
}

export interface TimelineEvent {
  id: string;
  eventTemplateId: string;
  objectType: ObjectTypeName;
  objectId: string;
  tokens: Record<string, string>;
  extraData?: unknown;
  timestamp: string;
  createdAt: number;
}

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
}

export interface RateState {
  window: number[];
  search: number[];
  day: string;
  dayCount: number;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export interface Portal {
  portalId: number;
  records: Map<string, CrmRecord>;
  customProperties: Map<ObjectTypeName, PropertyDef[]>;
  /** Property groups apps created (HubSpot's own are implied by the object type). */
  propertyGroups: Map<ObjectTypeName, PropertyGroup[]>;
  /** "type:id" → "type:id" → association type ids (HUBSPOT_DEFINED). */
  associations: Map<string, Map<string, Set<number>>>;
  files: Map<string, StoredFile>;
  folders: Map<string, string>;
  callbacks: Map<string, CallbackRecord>;
  timelineEvents: Map<string, TimelineEvent>;
  owners: Owner[];
  rate: RateState;
}

export interface TokenInfo {
  token: string;
  portalId: number;
  kind: 'static' | 'oauth';
  /** undefined → every scope (a private-app style token made by the control API). */
  scopes?: string[];
  expiresAt?: number;
  appId?: number;
  clientId?: string;
  user: string;
  userId: number;
}

export interface OAuthApp {
  appId: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  developerApiKey: string;
  callingSettings?: Record<string, unknown>;
  recordingSettings?: { urlToRetrieveAuthedRecording: string };
}

export interface AuthCode {
  code: string;
  clientId: string;
  portalId: number;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface RefreshTokenInfo {
  token: string;
  clientId: string;
  portalId: number;
  scopes: string[];
  user: string;
  userId: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  time: number;
  durationMs: number;
  portalId?: number;
}
