// npm run asterisk -- <provision|start|stop|status|cli> [--name N] [--ari-port P] [--sip-port P]
import { parseArgs } from 'node:util';
import { AsteriskSandbox } from './sandbox.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string', default: 'default' },
    'ari-port': { type: 'string', default: process.env.ASTERISK_ARI_PORT ?? '8088' },
    'sip-port': { type: 'string', default: process.env.ASTERISK_SIP_PORT ?? '5060' },
    'ari-app': { type: 'string', default: process.env.ARI_APP ?? 'centralino' },
  },
});

const sandbox = new AsteriskSandbox({
  name: values.name,
  ariPort: Number(values['ari-port']),
  sipPort: Number(values['sip-port']),
  ariApp: values['ari-app'],
});

const [command = 'status', ...rest] = positionals;
switch (command) {
  case 'provision':
    await sandbox.configure();
    console.log('Asterisk sandbox provisioned and configured');
    break;
  case 'start':
    await sandbox.start();
    console.log(
      `Asterisk sandbox '${sandbox.name}' up: ARI ${sandbox.ariUrl}, SIP udp/127.0.0.1:${sandbox.sipPort}`,
    );
    break;
  case 'stop':
    await sandbox.stop();
    console.log(`Asterisk sandbox '${sandbox.name}' stopped`);
    break;
  case 'status': {
    const ready = await sandbox.isReady();
    console.log(ready ? `up (ARI ${sandbox.ariUrl})` : 'down');
    process.exitCode = ready ? 0 : 1;
    break;
  }
  case 'cli':
    process.stdout.write(await sandbox.cli(rest.join(' ')));
    break;
  default:
    console.error(
      `unknown command '${command}': provision | start | stop | status | cli <command>`,
    );
    process.exitCode = 2;
}
