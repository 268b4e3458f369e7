// Process entry: parse the environment, start, and stop cleanly on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config.ts';
import { startSidecar } from './main.ts';
import { FlowsConfigError } from './routing/flow-schema.ts';

try {
  const config = loadConfig();
  const sidecar = await startSidecar(config);
  const stop = (signal: string) => {
    sidecar.log.info({ signal }, 'stop requested');
    sidecar.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        sidecar.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (err) {
  if (err instanceof ConfigError || err instanceof FlowsConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}
