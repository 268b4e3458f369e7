// The Twilio sandbox, driven over HTTP exactly as the official `twilio` Node client drives the real
// API (form-encoded body, repeated keys for lists, HTTP Basic AccountSid:AuthToken), with webhooks
// received by a real express server and signatures re-checked by an independent implementation.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import express from 'express';
import {
  computeTwilioSignature,
  countSegments,
  createTwilioSandbox,
  validateTwilioSignature,
} from '../../sandbox/src/twilio/index.ts';
import type { ListeningSandbox, TwilioSandbox } from '../../sandbox/src/twilio/index.ts';

const ACCOUNT = {
  sid: `AC${'a'.repeat(32)}`,
  authToken: 'token-a',
  phoneNumbers: ['+15005550006', '+15005550007'],
};
const OTHER = { sid: `AC${'b'.repeat(32)}`, authToken: 'token-b', phoneNumbers: ['+15005550008'] };
const FROM = '+15005550006';
const TO = '+393331234567';
const START = Date.UTC(2024, 0, 15, 10, 0, 0);

// Twilio's documented algorithm, written out independently of the sandbox's implementation.
function expectedSignature(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

type Form = Record<string, string | string[] | undefined>;

/** The official client's wire format: x-www-form-urlencoded, lists as repeated keys, Basic auth. */
async function twilio(
  base: string,
  creds: { sid: string; authToken: string },
  method: 'GET' | 'POST',
  path: string,
  params: Form = {},
  accountInUrl = creds.sid,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const value of Array.isArray(v) ? v : v === undefined ? [] : [v]) form.append(k, value);
  }
  const url = `${base}/2010-04-01/Accounts/${accountInUrl}${path}`;
  const res = await fetch(method === 'GET' && form.size > 0 ? `${url}?${form.toString()}` : url, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${creds.sid}:${creds.authToken}`).toString('base64')}`,
      accept: 'application/json',
      'accept-charset': 'utf-8',
      'user-agent': 'twilio-node/5.0.0 (linux x64) node/v20',
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(method === 'POST' ? { body: form.toString() } : {}),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}

interface Hit {
  path: string;
  url: string;
  signature: string | undefined;
  contentType: string | undefined;
  params: Record<string, string>;
}

/** A webhook endpoint on 127.0.0.1:0 that records every POST and lets a test await the n-th. */
async function startReceiver(
  reply: (hit: Hit) => { status: number; body: string } = () => ({ status: 204, body: '' }),
) {
  const hits: Hit[] = [];
  const waiters: Array<{ n: number; resolve: (h: Hit[]) => void }> = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.use((req, res) => {
    const hit: Hit = {
      path: req.path,
      url: `${base}${req.originalUrl}`,
      signature: req.get('x-twilio-signature'),
      contentType: req.get('content-type'),
      params: req.body as Record<string, string>,
    };
    hits.push(hit);
    for (const w of waiters.filter((x) => hits.length >= x.n)) w.resolve(hits.slice());
    const answer = reply(hit);
    res.status(answer.status).type('text/xml').send(answer.body);
  });
  return {
    base,
    hits,
    waitFor: (n: number) =>
      hits.length >= n
        ? Promise.resolve(hits.slice())
        : new Promise<Hit[]>((resolve) => waiters.push({ n, resolve })),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

let now = START;
let sandbox: TwilioSandbox;
let server: ListeningSandbox;
let api: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let twiml = '<Response/>';

before(async () => {
  sandbox = createTwilioSandbox({ clock: () => now, accounts: [ACCOUNT, OTHER] });
  server = await sandbox.listen();
  api = server.url;
  receiver = await startReceiver(() => ({ status: 200, body: twiml }));
});
after(async () => {
  await server.close();
  await receiver.close();
});
beforeEach(() => {
  sandbox.reset();
  receiver.hits.length = 0;
  now = START;
  twiml = '<Response/>';
});

const send = (params: Form, creds = ACCOUNT) =>
  twilio(api, creds, 'POST', '/Messages.json', params);

void describe('signatures', () => {
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const vector = (caller: string) => ({
    CallSid: 'CA1234567890ABCDE',
    Caller: caller,
    Digits: '1234',
    From: caller,
    To: '+18005551212',
  });

  void it("matches Twilio's published vectors", () => {
    // Twilio's docs/snippets pair these values with these signatures.
    assert.equal(
      computeTwilioSignature('12345', url, vector('+14158675309')),
      'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
    );
    assert.equal(
      computeTwilioSignature('12345', url, vector('+12349013030')),
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
    assert.equal(
      expectedSignature('12345', url, vector('+12349013030')),
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
  });

  void it('sorts parameter names (case-sensitively) whatever order they come in', () => {
    const shuffled = { To: '+1', body: 'b', From: '+2', AccountSid: 'AC' };
    assert.equal(
      computeTwilioSignature('t', url, shuffled),
      createHmac('sha1', 't').update(`${url}AccountSidACFrom+2To+1bodyb`).digest('base64'),
    );
    // Repeated keys: each distinct value, sorted, as the helper library does for arrays.
    assert.equal(
      computeTwilioSignature('t', url, { MediaUrl: ['https://b', 'https://a', 'https://b'] }),
      createHmac('sha1', 't').update(`${url}MediaUrlhttps://aMediaUrlhttps://b`).digest('base64'),
    );
  });

  void it('validates like the helper library (port-insensitive) and rejects tampering', () => {
    const params = vector('+12349013030');
    assert.ok(validateTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params));
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    assert.ok(validateTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', withPort, params));
    assert.ok(
      !validateTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, {
        ...params,
        Digits: '1235',
      }),
    );
    assert.ok(!validateTwilioSignature('54321', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params));
  });
});

void describe('segments', () => {
  void it('counts GSM-7 (160/153, extension chars cost 2) and UCS-2 (70/67, no split surrogates)', () => {
    const cases: Array<[string, string, number]> = [
      ['a'.repeat(160), 'GSM-7', 1],
      ['a'.repeat(161), 'GSM-7', 2],
      ['a'.repeat(306), 'GSM-7', 2],
      ['a'.repeat(307), 'GSM-7', 3],
      ['€'.repeat(80), 'GSM-7', 1],
      ['€'.repeat(81), 'GSM-7', 2],
      ['è'.repeat(160), 'GSM-7', 1],
      ['ł'.repeat(70), 'UCS-2', 1],
      ['ł'.repeat(71), 'UCS-2', 2],
      ['ł'.repeat(134), 'UCS-2', 2],
      ['ł'.repeat(135), 'UCS-2', 3],
      ['😀'.repeat(35), 'UCS-2', 1],
      ['a' + '😀'.repeat(100), 'UCS-2', 4], // 201 units, pairs kept whole: 67+66+66+2,
    ];
    for (const [text, encoding, segments] of cases) {
      assert.deepEqual(
        countSegments(text),
        { encoding, segments },
        `${text.slice(0, 3)}… (${text.length})`,
      );
    }
  });

  void it('reports num_segments on the created message', async () => {
    const gsm = await send({ To: TO, From: FROM, Body: 'x'.repeat(161) });
    const ucs = await send({ To: TO, From: FROM, Body: 'Città 😀 '.repeat(10) });
    assert.equal(gsm.body.num_segments, '2');
    assert.equal(ucs.body.num_segments, '2');
  });
});

void describe('Messages API', () => {
  void it('creates (201, Twilio resource) and fetches a message', async () => {
    const created = await send({ To: TO, From: FROM, Body: 'Ciao' });
    assert.equal(created.status, 201);
    const m = created.body;
    assert.match(String(m.sid), /^SM[0-9a-f]{32}$/);
    assert.deepEqual(
      { ...m, sid: 'SM', subresource_uris: null },
      {
        account_sid: ACCOUNT.sid,
        api_version: '2010-04-01',
        body: 'Ciao',
        date_created: 'Mon, 15 Jan 2024 10:00:00 +0000',
        date_sent: null,
        date_updated: 'Mon, 15 Jan 2024 10:00:00 +0000',
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: FROM,
        messaging_service_sid: null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid: 'SM',
        status: 'queued',
        subresource_uris: null,
        to: TO,
        uri: `/2010-04-01/Accounts/${ACCOUNT.sid}/Messages/${String(m.sid)}.json`,
      },
    );
    const fetched = await twilio(api, ACCOUNT, 'GET', `/Messages/${String(m.sid)}.json`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, m);
    const foreign = await twilio(api, OTHER, 'GET', `/Messages/${String(m.sid)}.json`);
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.code, 20404);
  });

  void it('lists newest first, filters by To/From and pages with PageSize', async () => {
    for (const body of ['one', 'two', 'three']) await send({ To: TO, From: FROM, Body: body });
    await send({ To: '+393330000000', From: '+15005550007', Body: 'other' });
    const page0 = await twilio(api, ACCOUNT, 'GET', '/Messages.json', { To: TO, PageSize: '2' });
    assert.deepEqual(
      (page0.body.messages as Array<{ body: string }>).map((x) => x.body),
      ['three', 'two'],
    );
    assert.equal(page0.body.page_size, 2);
    const next = String(page0.body.next_page_uri);
    const page1 = (await (
      await fetch(`${api}${next}`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${ACCOUNT.sid}:${ACCOUNT.authToken}`).toString('base64')}`,
        },
      })
    ).json()) as Record<string, unknown>;
    assert.deepEqual(
      (page1.messages as Array<{ body: string }>).map((x) => x.body),
      ['one'],
    );
    assert.equal(page1.next_page_uri, null);
    const byFrom = await twilio(api, ACCOUNT, 'GET', '/Messages.json', { From: '+15005550007' });
    assert.deepEqual(
      (byFrom.body.messages as Array<{ body: string }>).map((x) => x.body),
      ['other'],
    );
  });

  void it('rejects invalid requests with the codes Twilio uses', async () => {
    const cases: Array<[Form, number, string?]> = [
      [{ From: FROM, Body: 'x' }, 21604, "A 'To' phone number is required."],
      [{ To: TO, Body: 'x' }, 21603],
      [{ To: TO, From: FROM }, 21602],
      [{ To: TO, From: FROM, Body: '' }, 21602],
      [{ To: '3331234567', From: FROM, Body: 'x' }, 21211, "Invalid 'To' Phone Number: 3331234567"],
      [{ To: TO, From: '+15005559999', Body: 'x' }, 21606],
      [{ To: TO, From: OTHER.phoneNumbers[0], Body: 'x' }, 21606],
      [{ To: TO, From: 'Centralino', Body: 'x' }, 21212],
      [{ To: TO, From: FROM, Body: 'x'.repeat(1601) }, 21617],
      [{ To: TO, From: FROM, MediaUrl: ['https://ok.example/a.jpg', 'ftp://bad'] }, 21620],
      [{ To: TO, From: FROM, Body: 'x', StatusCallback: 'not a url' }, 21609],
      [{ To: TO, MessagingServiceSid: 'MG123', Body: 'x' }, 21705],
      [{ To: TO, MessagingServiceSid: `MG${'0'.repeat(32)}`, Body: 'x' }, 21701],
    ];
    for (const [params, code, message] of cases) {
      const res = await send(params);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.equal(res.body.code, code, JSON.stringify(params));
      assert.equal(res.body.more_info, `https://www.twilio.com/docs/errors/${code}`);
      if (message) assert.equal(res.body.message, message);
    }
    assert.equal((await send({ To: TO, From: FROM, Body: 'x'.repeat(1600) })).status, 201);
    assert.equal(sandbox.state.messages.size, 1, 'rejected requests create nothing');
  });

  void it('requires Basic auth matching the account in the URL', async () => {
    const authenticate = {
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    };
    const wrongToken = await send(
      { To: TO, From: FROM, Body: 'x' },
      { ...ACCOUNT, authToken: 'nope' },
    );
    assert.equal(wrongToken.status, 401);
    assert.deepEqual(wrongToken.body, authenticate);
    assert.match(wrongToken.headers.get('www-authenticate') ?? '', /^Basic/);
    const otherAccount = await twilio(
      api,
      OTHER,
      'POST',
      '/Messages.json',
      { To: TO, From: FROM, Body: 'x' },
      ACCOUNT.sid,
    );
    assert.deepEqual(otherAccount.body, authenticate);
    const none = await fetch(`${api}/2010-04-01/Accounts/${ACCOUNT.sid}/Messages.json`);
    assert.equal(none.status, 401);
    // A JSON body is not what Twilio reads: the form has no To.
    const json = await fetch(`${api}/2010-04-01/Accounts/${ACCOUNT.sid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT.sid}:${ACCOUNT.authToken}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ To: TO, From: FROM, Body: 'x' }),
    });
    assert.equal(((await json.json()) as { code: number }).code, 21604);
  });
});

void describe('status callbacks', () => {
  void it('POSTs each change in order, form-encoded and signed', async () => {
    const callback = `${receiver.base}/status?tenant=7`;
    const created = await send({ To: TO, From: FROM, Body: 'x', StatusCallback: callback });
    now += 1000;
    const transitions = await sandbox.drain();
    assert.deepEqual(
      transitions.map((t) => t.to),
      ['sending', 'sent', 'delivered'],
    );
    const hits = await receiver.waitFor(3);
    assert.deepEqual(
      hits.map((h) => h.params.MessageStatus),
      ['sending', 'sent', 'delivered'],
    );
    for (const hit of hits) {
      assert.equal(hit.url, callback);
      assert.match(hit.contentType ?? '', /^application\/x-www-form-urlencoded/);
      assert.equal(hit.signature, expectedSignature(ACCOUNT.authToken, callback, hit.params));
      assert.equal(hit.params.MessageSid, created.body.sid);
      assert.equal(hit.params.AccountSid, ACCOUNT.sid);
      assert.equal(hit.params.From, FROM);
      assert.equal(hit.params.To, TO);
      assert.equal(hit.params.ApiVersion, '2010-04-01');
      assert.equal(hit.params.ErrorCode, undefined);
    }
    const final = await twilio(api, ACCOUNT, 'GET', `/Messages/${String(created.body.sid)}.json`);
    assert.equal(final.body.status, 'delivered');
    assert.equal(final.body.date_sent, 'Mon, 15 Jan 2024 10:00:01 +0000');
    assert.equal(final.body.price, '-0.00790');
  });

  void it('ends undelivered/failed with ErrorCode for numbers configured to fail', async () => {
    sandbox.setDeliveryOutcome('+393330000001', { status: 'undelivered', errorCode: 30003 });
    sandbox.setDeliveryOutcome('+393330000002', { status: 'failed', errorCode: 30008 });
    const cb = `${receiver.base}/status`;
    const a = await send({ To: '+393330000001', From: FROM, Body: 'x', StatusCallback: cb });
    await sandbox.drain(String(a.body.sid));
    const b = await send({ To: '+393330000002', From: FROM, Body: 'x', StatusCallback: cb });
    await sandbox.drain(String(b.body.sid));
    const hits = await receiver.waitFor(4);
    assert.deepEqual(
      hits.map((h) => [h.params.MessageStatus, h.params.ErrorCode]),
      [
        ['sending', undefined],
        ['sent', undefined],
        ['undelivered', '30003'],
        ['failed', '30008'],
      ],
    );
    const fetched = await twilio(api, ACCOUNT, 'GET', `/Messages/${String(a.body.sid)}.json`);
    assert.equal(fetched.body.error_code, 30003);
  });

  void it('starts Messaging Service sends as accepted with no from, then queues them', async () => {
    const info = sandbox.state.accountInfo(sandbox.state.requireAccount(ACCOUNT.sid));
    const created = await send({
      To: TO,
      MessagingServiceSid: info.messagingServiceSid,
      Body: 'x',
      StatusCallback: `${receiver.base}/s`,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, 'accepted');
    assert.equal(created.body.from, null);
    assert.deepEqual(
      (await sandbox.advance()).map((t) => t.to),
      ['queued'],
    );
    const [hit] = await receiver.waitFor(1);
    assert.equal(hit?.params.MessageStatus, 'queued');
    assert.equal(hit?.params.MessagingServiceSid, info.messagingServiceSid);
    assert.equal(hit?.params.From, FROM);
  });
});

void describe('inbound SMS', () => {
  beforeEach(() => sandbox.setIncomingWebhook(ACCOUNT.sid, FROM, `${receiver.base}/sms?x=1`));

  void it("POSTs Twilio's signed parameters and sends the TwiML reply", async () => {
    twiml =
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Grazie &amp; a presto</Message></Response>';
    const record = await sandbox.simulateInbound({ from: TO, to: FROM, body: 'Ciao' });
    const [hit] = await receiver.waitFor(1);
    assert.ok(hit);
    assert.equal(hit.path, '/sms');
    assert.equal(
      hit.signature,
      expectedSignature(ACCOUNT.authToken, `${receiver.base}/sms?x=1`, hit.params),
    );
    assert.match(hit.params.MessageSid ?? '', /^SM[0-9a-f]{32}$/);
    assert.equal(hit.params.SmsSid, hit.params.MessageSid);
    assert.deepEqual(
      [
        hit.params.AccountSid,
        hit.params.From,
        hit.params.To,
        hit.params.Body,
        hit.params.NumMedia,
        hit.params.NumSegments,
        hit.params.FromCountry,
        hit.params.ToCountry,
        hit.params.ApiVersion,
      ],
      [ACCOUNT.sid, TO, FROM, 'Ciao', '0', '1', 'IT', 'US', '2010-04-01'],
    );
    assert.equal(record.response?.status, 200);
    assert.equal(record.replies[0]?.body, 'Grazie & a presto');
    const reply = sandbox.state.messages.get(record.replies[0]?.sid ?? '');
    assert.deepEqual([reply?.direction, reply?.to, reply?.sender], ['outbound-reply', TO, FROM]);
  });

  void it('records webhook failures and non-TwiML answers', async () => {
    twiml = 'OK';
    assert.equal(
      (await sandbox.simulateInbound({ from: TO, to: FROM, body: 'a' })).errorCode,
      12100,
    );
    sandbox.setIncomingWebhook(ACCOUNT.sid, FROM, 'http://127.0.0.1:9/closed');
    const refused = await sandbox.simulateInbound({ from: TO, to: FROM, body: 'b' });
    assert.equal(refused.response?.status, null);
    assert.equal(refused.errorCode, 11205);
  });

  void it('STOP blocks the pair (21610), START lifts it, as Advanced Opt-Out does', async () => {
    twiml = '<Response><Message>bye</Message></Response>';
    const stop = await sandbox.simulateInbound({ from: TO, to: FROM, body: ' stop ' });
    assert.equal(stop.optOutType, 'STOP');
    assert.equal((await receiver.waitFor(1))[0]?.params.OptOutType, 'STOP');
    assert.equal(stop.replies[0]?.errorCode, 21610);
    const blocked = await send({ To: TO, From: FROM, Body: 'x' });
    assert.equal(blocked.status, 400);
    assert.equal(blocked.body.code, 21610);
    assert.equal(blocked.body.message, 'Attempt to send to unsubscribed recipient');
    assert.equal(
      (await send({ To: TO, From: '+15005550007', Body: 'x' })).status,
      201,
      'only that pair',
    );
    await sandbox.simulateInbound({ from: TO, to: FROM, body: 'START' });
    assert.equal((await send({ To: TO, From: FROM, Body: 'x' })).status, 201);
  });

  void it('works through the control route too', async () => {
    const res = await fetch(`${api}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: TO, to: FROM, body: 'UNSUBSCRIBE' }),
    });
    assert.equal(res.status, 201);
    const blocklist = (await (await fetch(`${api}/_sandbox/blocklist`)).json()) as unknown[];
    assert.deepEqual(blocklist, [{ twilioNumber: FROM, recipient: TO }]);
    const bad = await fetch(`${api}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"from":"123","to":"x"}',
    });
    assert.equal(bad.status, 400);
  });
});

void describe('faults and rate limits', () => {
  void it('answers 5xx for the next N requests, then recovers', async () => {
    sandbox.setFaults({ status5xx: 503, count: 2 });
    const first = await send({ To: TO, From: FROM, Body: 'x' });
    const second = await send({ To: TO, From: FROM, Body: 'x' });
    assert.deepEqual([first.status, first.body.code, second.status], [503, 20503, 503]);
    assert.equal((await send({ To: TO, From: FROM, Body: 'x' })).status, 201);
    assert.equal(sandbox.state.messages.size, 1);
  });

  void it('drops connections during an outage and delays answers with latency', async () => {
    sandbox.setFaults({ outage: true });
    await assert.rejects(send({ To: TO, From: FROM, Body: 'x' }));
    sandbox.setFaults({ outage: false, latencyMs: 150 });
    const t0 = performance.now();
    assert.equal((await send({ To: TO, From: FROM, Body: 'x' })).status, 201);
    assert.ok(performance.now() - t0 >= 140);
  });

  void it('returns 429 / 20429 past the per-account limit until the window passes', async () => {
    await fetch(`${api}/_sandbox/rate-limit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"limit":2,"windowMs":1000}',
    });
    assert.equal((await send({ To: TO, From: FROM, Body: '1' })).status, 201);
    assert.equal((await send({ To: TO, From: FROM, Body: '2' })).status, 201);
    const limited = await send({ To: TO, From: FROM, Body: '3' });
    assert.deepEqual(limited.body, {
      code: 20429,
      message: 'Too Many Requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    assert.equal(
      (await send({ To: TO, From: OTHER.phoneNumbers[0], Body: 'b' }, OTHER)).status,
      201,
      'per account',
    );
    now += 1000;
    assert.equal((await send({ To: TO, From: FROM, Body: '4' })).status, 201);
  });
});

void describe('cli', () => {
  void it('starts on --port and prints one JSON line with working credentials', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sandbox/src/twilio/cli.ts', '--port', '0', '--advance-ms', '0'],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout });
    try {
      const [line] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(line) as {
        url: string;
        accountSid: string;
        authToken: string;
        fromNumber: string;
      };
      const res = await twilio(
        info.url,
        { sid: info.accountSid, authToken: info.authToken },
        'POST',
        '/Messages.json',
        { To: TO, From: info.fromNumber, Body: 'hi' },
      );
      assert.equal(res.status, 201);
      assert.equal(res.body.from, info.fromNumber);
    } finally {
      lines.close();
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
