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
  if ((c.TWILIO_ACCOUNT_SID === undefined) !== (c.TWILIO_AUTH_TOKEN === undefined)) {
    problems.push('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: set both or neither');
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
