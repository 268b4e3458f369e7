// Starts the HubSpot sandbox: node --import tsx sandbox/src/hubspot/cli.ts --port 8090
import { parseArgs } from 'node:util';
import { createHubSpotSandbox } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8090' },
    host: { type: 'string', default: '127.0.0.1' },
    'portal-id': { type: 'string' },
    token: { type: 'string' },
    'search-index-delay-ms': { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port ${values.port}`);
  process.exit(2);
}

const sandbox = createHubSpotSandbox({
  defaultPortal: {
    portalId: values['portal-id'] === undefined ? 12345678 : Number(values['portal-id']),
    ...(values.token === undefined ? {} : { accessToken: values.token }),
  },
  searchIndexDelayMs: Number(values['search-index-delay-ms'] ?? 0),
});
const running = await sandbox.listen(port, values.host);
const portal = sandbox.defaultPortal;
console.log(
  JSON.stringify({
    url: running.url,
    portalId: portal?.portalId,
    accessToken: portal?.accessToken,
  }),
);

const stop = () => {
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
