// Every environment variable the sidecar reads, in one schema. Parsed once at start; a bad
// configuration stops the start with every problem listed, not just the first.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

const url = (protocols: readonly string[]) =>
  z.url().refine((u) => !URL.canParse(u) || protocols.includes(new URL(u).protocol), {
    message: `must be a ${protocols.join(' or ')} URL`,
  });

const databaseUrl = z
  .string()
  .refine((v) => /^(mysql|mariadb):\/\//.test(v) || v.startsWith('sqlite:'), {
    message: 'must be mysql://user:pass@host:port/db, mariadb://… or sqlite:<file>',
  });

// 32 bytes, given as 64 hex digits or base64. Encrypts OAuth tokens at rest (AES-256-GCM).
const encryptionKey = z.string().transform((v, ctx) => {
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (key.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes (64 hex digits or base64)' });
    return z.NEVER;
  }
  return key;
});

export const configSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(8080),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATABASE_URL: databaseUrl.optional(),
  DATA_DIR: z.string().default('data'),

  ARI_URL: url(['http:', 'https:']).default('http://127.0.0.1:8088'),
  ARI_USERNAME: z.string().min(1).default('centralino'),
  ARI_PASSWORD: z.string().min(1).default('centralino'),
  ARI_APP: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .default('centralino'),
  ARI_RECONNECT_MAX_MS: z.coerce.number().int().min(100).default(5000),

  HUBSPOT_API_BASE_URL: url(['http:', 'https:']).default('https://api.hubapi.com'),
  HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
  HUBSPOT_PORTAL_ID: z.string().regex(/^\d+$/).optional(),
  HUBSPOT_LOOKUP_TIMEOUT_MS: z.coerce.number().int().min(50).default(1500),
  HUBSPOT_RATE_LIMIT_PER_10S: z.coerce.number().int().min(1).default(100),
  HUBSPOT_SEARCH_PER_S: z.coerce.number().int().min(1).default(4),

  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-f]{32}$/, 'AC + 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_FROM_NUMBER: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +390577000000')
    .optional(),
  TWILIO_API_BASE_URL: url(['http:', 'https:']).default('https://api.twilio.com'),

  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  TOKEN_ENCRYPTION_KEY: encryptionKey.optional(),

  // HubSpot marketplace app (OAuth install, webhooks, workflow actions): see docs/INSTALL-HUBSPOT.md.
  HUBSPOT_APP_ID: z.string().regex(/^\d+$/).optional(),
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  // The app's client secret: OAuth, and the key of every HubSpot signature check.
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  HUBSPOT_DEVELOPER_API_KEY: z.string().min(1).optional(),
  FORM_STATUS_PROPERTY: z.string().min(1).default('centralino_support_status'),
  FORM_STATUS_VALUE: z.string().min(1).default('pending_authorization'),
  CONTRACT_STATUS_PROPERTIES: z
    .string()
    .default('centralino_support_status')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(250),
  TOKEN_REFRESH_SWEEP_MS: z.coerce.number().int().min(1000).default(60_000),
  ACTION_EXPIRY_SWEEP_MS: z.coerce.number().int().min(1000).default(60_000),

  DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2, e.g. IT')
    .default('IT'),
  GREETING_MEDIA: z.string().min(1).default('sound:hello-world'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(250),
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1000),
  OUTBOX_RETRY_CAP_MS: z.coerce.number().int().min(100).default(300_000),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(30000),
  METRICS_ENABLED: bool.default(true),

  // Card APIs (crm-app cards → hubspot.fetch): the app's client secret verifies
  // X-HubSpot-Signature-v3; the CRM property holding a record's support status (S3–S5).
  SUPPORT_STATUS_PROPERTY: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'a HubSpot property name')
    .default('centralino_support_status'),
  // Calling widget (H2): agent sessions, click-to-call dial strings, calling-settings registration.
  WIDGET_SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  WIDGET_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 30),
  WIDGET_AGENT_DIAL: z.string().min(1).default('PJSIP/{agent}'),
  WIDGET_CUSTOMER_DIAL: z.string().min(1).default('PJSIP/{number}@trunk'),
  WIDGET_CALLER_ID: z.string().optional(),
  WIDGET_RING_TIMEOUT_S: z.coerce.number().int().min(5).max(300).default(30),
  WIDGET_FRAME_ANCESTORS: z
    .string()
    .regex(/^[^;,'"]+$/, 'space-separated CSP sources')
    .default('https://*.hubspot.com https://*.hubspotqa.com'),
  // Inbound routing (issue 3): flows by called number, support gate, voicemail and recording
  // links, parking, transfer to outside numbers.
  FLOWS_FILE: z.string().min(1).optional(),
  FLOWS_WATCH: bool.default(true),
  SUPPORT_CONTRACT_TTL_MS: z.coerce.number().int().min(0).default(5000),
  /** How every outside number is dialled: flow transfers and ACD agents on a phone number. */
  TRANSFER_DIAL_TEMPLATE: z
    .string()
    .regex(/\{number\}/, 'must contain {number}')
    .default('PJSIP/{number}@trunk'),
  RECORDING_LINK_KEY: z.string().min(16).optional(),
  RECORDING_LINK_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 86400),
  MAIL_FROM: z.string().min(3).default('centralino@localhost'),
  // Text-to-speech: texts admins type (emergency announcement, holiday/closure messages) are
  // spoken with espeak-ng, resampled by sox, and served to Asterisk over HTTP.
  /** espeak-ng voice (`espeak-ng --voices`): `it`, `en-gb`, `en-us`, … */
  TTS_VOICE: z
    .string()
    .regex(/^[a-zA-Z0-9_+-]{1,40}$/, 'an espeak-ng voice name, e.g. it or en-gb')
    .default('it'),
  /** How Asterisk reaches this sidecar's /media/tts/… (unset: the address it listens on). */
  TTS_MEDIA_URL: url(['http:', 'https:']).optional(),
  TTS_ESPEAK_BIN: z.string().min(1).default('espeak-ng'),
  TTS_SOX_BIN: z.string().min(1).default('sox'),
  /**
   * Operator access (Bearer) to the operator APIs (/api/acd, /api/agents, /api/routing,
   * /api/portals/…/campaigns) and the outbox dead-letter view; the CRM pages sign their requests.
   */
  ADMIN_API_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  // ACD (issue 3, virtual call center): agents and queues created at start when missing.
  ACD_SEED_FILE: z.string().min(1).optional(),
  // Outbound campaigns (issue 5).
  CAMPAIGNS_ENABLED: bool.default(true),
  /** Dial string for a campaign call; {number} = the recipient's E.164 number. */
  CAMPAIGN_DIAL_TEMPLATE: z.string().includes('{number}').default('Local/{number}@campaign-dial'),
  CAMPAIGN_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /** How often agenda looks for due jobs (scheduled campaign starts, …). */
  JOBS_POLL_MS: z.coerce.number().int().min(20).default(5000),
  /** A crashed sidecar's campaign calls are taken over after this long. */
  CAMPAIGN_LEASE_MS: z.coerce.number().int().min(300).default(30_000),
});

export type Config = Readonly<z.output<typeof configSchema>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "unset": shells and .env files produce them all the time.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const problems: string[] = [];
  const c = parsed.data;
  for (const old of ['ROUTING_API_TOKEN', 'OUTBOX_ADMIN_TOKEN'])
    if (present[old] !== undefined) problems.push(`${old}: renamed to ADMIN_API_TOKEN`);
  if ((c.TWILIO_ACCOUNT_SID === undefined) !== (c.TWILIO_AUTH_TOKEN === undefined)) {
    problems.push('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: set both or neither');
  }
  if (
    c.HUBSPOT_CLIENT_ID !== undefined &&
    (c.HUBSPOT_CLIENT_SECRET === undefined || c.TOKEN_ENCRYPTION_KEY === undefined)
  ) {
    problems.push(
      'HUBSPOT_CLIENT_ID: OAuth needs HUBSPOT_CLIENT_SECRET and TOKEN_ENCRYPTION_KEY too',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(c);
}

/** Where the embedded SQLite file lives when DATABASE_URL is unset. */
export function databaseUrlOf(config: Config): string {
  return config.DATABASE_URL ?? `sqlite:${config.DATA_DIR}/centralino.sqlite`;
}

export function publicUrlOf(config: Config): string {
  return config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
}
