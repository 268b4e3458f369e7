// Start the Twilio sandbox: node --import tsx sandbox/src/twilio/cli.ts [--port N] [--host H]
// [--advance-ms N]. Prints one JSON line {url, accountSid, authToken, fromNumber, messagingServiceSid}.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createTwilioSandbox } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'advance-ms': { type: 'string', default: '250' },
    'account-sid': { type: 'string' },
    'auth-token': { type: 'string' },
  },
  strict: true,
});

const port = Number(values.port);
const advanceMs = Number(values['advance-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}
if (!Number.isInteger(advanceMs) || advanceMs < 0) {
  console.error(`invalid --advance-ms ${values['advance-ms']}`);
  process.exit(2);
}

// The account is a seed, so POST /_sandbox/reset keeps it (same sid, token and number).
const sandbox = createTwilioSandbox({
  accounts: [
    {
      sid: values['account-sid'] ?? `AC${randomBytes(16).toString('hex')}`,
      authToken: values['auth-token'] ?? randomBytes(16).toString('hex'),
    },
  ],
  ...(advanceMs > 0 ? { autoAdvanceMs: advanceMs } : {}),
});
const account = sandbox.state.accountInfo([...sandbox.state.accounts.values()][0]!);
const server = await sandbox.listen(port, values.host);
console.log(
  JSON.stringify({
    url: server.url,
    accountSid: account.sid,
    authToken: account.authToken,
    fromNumber: account.phoneNumbers[0],
    messagingServiceSid: account.messagingServiceSid,
  }),
);

const stop = (): void => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
