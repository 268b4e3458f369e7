// npm run call -- --from <number> --to <number> [--digits 123#] [--play sound] [--hold 30]
import { parseArgs } from 'node:util';
import { placeCall } from '../asterisk/caller.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: '+390577111222' },
    to: { type: 'string', default: '0577235501' },
    digits: { type: 'string' },
    play: { type: 'string' },
    hold: { type: 'string', default: '30' },
    name: { type: 'string' },
  },
});

const ari = {
  url: process.env.ARI_URL ?? 'http://127.0.0.1:8088',
  username: process.env.ARI_USERNAME ?? 'centralino',
  password: process.env.ARI_PASSWORD ?? 'centralino',
};
const placed = await placeCall(ari, {
  from: values.from,
  to: values.to,
  ...(values.digits ? { digits: values.digits } : {}),
  ...(values.play ? { play: values.play } : {}),
  ...(values.name ? { callerName: values.name } : {}),
  holdSeconds: Number(values.hold),
});
console.log(`calling ${values.to} from ${values.from}: inbound channel ${placed.inboundChannelId}`);
