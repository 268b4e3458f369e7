// Built-in property schemas per object type (a subset of HubSpot's defaults, enough for the product).
import type { ObjectTypeName, PropertyDef, PropertyOption, PropertyType } from './types.ts';

export const DEFAULT_DISPOSITIONS: Array<{ id: string; label: string }> = [
  { id: 'f240bbac-87c9-4f6e-bf70-924b57d47db7', label: 'Connected' },
  { id: '73a0d17f-1163-4015-bdd5-ec830791da20', label: 'No answer' },
  { id: 'b2cf5968-551e-4856-9783-52b3da59a7d0', label: 'Left voicemail' },
  { id: 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff', label: 'Left live message' },
  { id: '9d9162e7-6cf3-4944-bf63-4dff82258764', label: 'Busy' },
  { id: '17b47fee-58de-441e-a44c-c6300d46f273', label: 'Wrong number' },
];

export const DEAL_PIPELINES: Record<string, string[]> = {
  default: [
    'appointmentscheduled',
    'qualifiedtobuy',
    'presentationscheduled',
    'decisionmakerboughtin',
    'contractsent',
    'closedwon',
    'closedlost',
  ],
};

export const TICKET_PIPELINES: Record<string, string[]> = { '0': ['1', '2', '3', '4'] };

const FIELD_TYPES: Record<PropertyType, string> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
  phone_number: 'phonenumber',
};

type Extra = Partial<Omit<PropertyDef, 'name' | 'type' | 'options'>> & { options?: string[] };

function opts(values: string[]): PropertyOption[] {
  return values.map((value, i) => ({ label: value, value, displayOrder: i, hidden: false }));
}

function builder(groupName: string) {
  return (name: string, type: PropertyType, extra: Extra = {}): PropertyDef => {
    const { options, ...rest } = extra;
    return {
      name,
      label: name,
      type,
      fieldType: FIELD_TYPES[type],
      groupName,
      hubspotDefined: true,
      ...(options ? { options: opts(options) } : {}),
      ...rest,
    };
  };
}

const RO = { readOnly: true } as const;
const OWNER = { check: 'owner', fieldType: 'select' } as const;
const LIFECYCLE = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];

function common(b: ReturnType<typeof builder>, created: string, modified: string): PropertyDef[] {
  return [
    b('hs_object_id', 'number', RO),
    b(created, 'datetime', RO),
    b(modified, 'datetime', RO),
    b('hubspot_owner_id', 'enumeration', OWNER),
  ];
}

function contacts(): PropertyDef[] {
  const b = builder('contactinformation');
  return [
    ...common(b, 'createdate', 'lastmodifieddate'),
    b('firstname', 'string'),
    b('lastname', 'string'),
    b('email', 'string', { check: 'email', hasUniqueValue: true }),
    b('phone', 'string', { fieldType: 'phonenumber' }),
    b('mobilephone', 'string', { fieldType: 'phonenumber' }),
    b('hs_whatsapp_phone_number', 'string', { fieldType: 'phonenumber' }),
    b('fax', 'string', { fieldType: 'phonenumber' }),
    b('company', 'string'),
    b('jobtitle', 'string'),
    b('website', 'string'),
    b('address', 'string'),
    b('city', 'string'),
    b('state', 'string'),
    b('zip', 'string'),
    b('country', 'string'),
    b('hs_language', 'string'),
    b('lifecyclestage', 'enumeration', { fieldType: 'radio', options: LIFECYCLE }),
    b('hs_lead_status', 'enumeration', {
      fieldType: 'radio',
      options: ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT'],
    }),
    b('hs_searchable_calculated_phone_number', 'string', RO),
    b('hs_searchable_calculated_mobile_number', 'string', RO),
  ];
}

function companies(): PropertyDef[] {
  const b = builder('companyinformation');
  return [
    ...common(b, 'createdate', 'hs_lastmodifieddate'),
    b('name', 'string'),
    b('domain', 'string'),
    b('website', 'string'),
    b('phone', 'string', { fieldType: 'phonenumber' }),
    b('address', 'string'),
    b('city', 'string'),
    b('zip', 'string'),
    b('country', 'string'),
    b('description', 'string', { fieldType: 'textarea' }),
    b('lifecyclestage', 'enumeration', { fieldType: 'radio', options: LIFECYCLE }),
  ];
}

function deals(): PropertyDef[] {
  const b = builder('dealinformation');
  const stages = Object.values(DEAL_PIPELINES).flat();
  return [
    ...common(b, 'createdate', 'hs_lastmodifieddate'),
    b('dealname', 'string', { required: true }),
    b('amount', 'number'),
    b('dealstage', 'enumeration', { required: true, fieldType: 'radio', options: stages }),
    b('pipeline', 'enumeration', { options: Object.keys(DEAL_PIPELINES) }),
    b('closedate', 'datetime'),
    b('dealtype', 'enumeration', {
      fieldType: 'radio',
      options: ['newbusiness', 'existingbusiness'],
    }),
    b('description', 'string', { fieldType: 'textarea' }),
  ];
}

function tickets(): PropertyDef[] {
  const b = builder('ticketinformation');
  return [
    ...common(b, 'createdate', 'hs_lastmodifieddate'),
    b('subject', 'string', { required: true }),
    b('content', 'string', { fieldType: 'textarea' }),
    b('hs_pipeline', 'enumeration', { options: Object.keys(TICKET_PIPELINES) }),
    b('hs_pipeline_stage', 'enumeration', {
      required: true,
      options: Object.values(TICKET_PIPELINES).flat(),
    }),
    b('hs_ticket_priority', 'enumeration', { options: ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] }),
    b('hs_ticket_category', 'enumeration', {
      fieldType: 'checkbox',
      options: ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY'],
    }),
    b('source_type', 'enumeration', { options: ['CHAT', 'EMAIL', 'FORM', 'PHONE'] }),
  ];
}

const CALL_STATUS = [
  'BUSY',
  'CALLING_CRM_USER',
  'CANCELED',
  'COMPLETED',
  'CONNECTING',
  'FAILED',
  'IN_PROGRESS',
  'NO_ANSWER',
  'QUEUED',
  'RINGING',
];

function calls(): PropertyDef[] {
  const b = builder('call');
  return [
    ...common(b, 'hs_createdate', 'hs_lastmodifieddate'),
    b('hs_timestamp', 'datetime', { required: true }),
    b('hs_call_title', 'string'),
    b('hs_call_body', 'string', { fieldType: 'html' }),
    b('hs_call_direction', 'enumeration', { options: ['INBOUND', 'OUTBOUND'] }),
    b('hs_call_duration', 'number'),
    b('hs_call_from_number', 'string'),
    b('hs_call_to_number', 'string'),
    b('hs_call_recording_url', 'string', { check: 'https' }),
    b('hs_call_status', 'enumeration', { options: CALL_STATUS }),
    b('hs_call_disposition', 'enumeration', {
      options: DEFAULT_DISPOSITIONS.map((d) => d.id),
    }),
    b('hs_attachment_ids', 'string', { check: 'attachments' }),
  ];
}

function communications(): PropertyDef[] {
  const b = builder('communication');
  return [
    ...common(b, 'hs_createdate', 'hs_lastmodifieddate'),
    b('hs_timestamp', 'datetime', { required: true }),
    b('hs_communication_channel_type', 'enumeration', {
      options: [
        'SMS',
        'WHATS_APP',
        'LINKEDIN_MESSAGE',
        'PHYSICAL_MAIL',
        'CUSTOM_CHANNEL_CONVERSATION',
      ],
    }),
    b('hs_communication_logged_from', 'enumeration', { options: ['CRM'] }),
    b('hs_communication_body', 'string', { fieldType: 'html' }),
  ];
}

function notes(): PropertyDef[] {
  const b = builder('note');
  return [
    ...common(b, 'hs_createdate', 'hs_lastmodifieddate'),
    b('hs_timestamp', 'datetime', { required: true }),
    b('hs_note_body', 'string', { fieldType: 'html' }),
    b('hs_attachment_ids', 'string', { check: 'attachments' }),
  ];
}

export const BUILTIN_PROPERTIES: Record<ObjectTypeName, PropertyDef[]> = {
  contacts: contacts(),
  companies: companies(),
  deals: deals(),
  tickets: tickets(),
  calls: calls(),
  communications: communications(),
  notes: notes(),
};

/** HubSpot's limit for any string property value. */
export const MAX_STRING_LENGTH = 65_536;

export const PROPERTY_TYPES: PropertyType[] = [
  'string',
  'number',
  'date',
  'datetime',
  'enumeration',
  'bool',
  'phone_number',
];

export const FIELD_TYPE_NAMES = [
  'text',
  'textarea',
  'number',
  'date',
  'file',
  'select',
  'radio',
  'checkbox',
  'booleancheckbox',
  'calculation_equation',
  'html',
  'phonenumber',
];

/** The JSON shape of a property definition, as GET /crm/v3/properties returns it. */
export function propertyJson(def: PropertyDef, displayOrder: number): Record<string, unknown> {
  const at = new Date(def.createdAt ?? 0).toISOString();
  return {
    updatedAt: at,
    createdAt: at,
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    description: def.description ?? '',
    groupName: def.groupName,
    options: def.options ?? [],
    displayOrder,
    calculated: false,
    externalOptions: def.check === 'owner',
    hasUniqueValue: def.hasUniqueValue ?? false,
    hidden: false,
    hubspotDefined: def.hubspotDefined,
    modificationMetadata: {
      archivable: !def.hubspotDefined,
      readOnlyDefinition: def.hubspotDefined,
      readOnlyValue: def.readOnly ?? false,
    },
    formField: !def.readOnly,
    dataSensitivity: 'non_sensitive',
  };
}
