// Structured logs. Secrets never reach them: known secret fields are redacted wherever they
// appear, and configuration is never logged whole.
import { pino } from 'pino';
import type { Logger } from '../ports.ts';

export const REDACTED_PATHS = [
  '*.password',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.authorization',
  '*.ARI_PASSWORD',
  '*.HUBSPOT_ACCESS_TOKEN',
  '*.HUBSPOT_CLIENT_SECRET',
  '*.TWILIO_AUTH_TOKEN',
  '*.TOKEN_ENCRYPTION_KEY',
  '*.SMTP_URL',
  'req.headers.authorization',
  'req.headers["x-hubspot-signature-v3"]',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'centralino-sidecar' },
    },
    destination ?? process.stdout,
  );
}
