// Which message a caller hears when an admin set a recording and/or a text: the recording wins,
// then the text spoken, then the file's default; speech that cannot be made or played falls
// back to the default and never fails the call. Pure: a fake channel and a fake TextToSpeech.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowContext } from '../../sidecar/src/routing/context.ts';
import { messageSource, playMessage } from '../../sidecar/src/routing/spoken-message.ts';
import type { PlaybackOutcome } from '../../sidecar/src/telephony/port.ts';
import type { TextToSpeech } from '../../sidecar/src/tts/port.ts';

const warnings: string[] = [];
const log = {
  debug() {},
  info() {},
  warn: (_o: unknown, msg: string) => void warnings.push(msg),
  error() {},
  child: () => log,
};

function fakeCall(outcome: (media: string) => PlaybackOutcome = () => 'done') {
  const played: string[] = [];
  const ctx = {
    call: {
      play: (m: string) => {
        played.push(m);
        return Promise.resolve(outcome(m));
      },
    },
    notes: [] as string[],
  } as unknown as FlowContext;
  return { ctx, played };
}

const speaking: TextToSpeech = {
  mediaFor: (text) => Promise.resolve(`sound:http://tts/${encodeURIComponent(text)}.wav`),
};
const broken: TextToSpeech = { mediaFor: () => Promise.reject(new Error('espeak-ng: ENOENT')) };

test('precedence: recording, then text, then the default', () => {
  assert.deepEqual(messageSource({ media: 'recording:r1', text: 'Chiusi' }), {
    kind: 'media',
    media: 'recording:r1',
  });
  assert.deepEqual(messageSource({ media: null, text: '  Chiusi oggi ' }), {
    kind: 'speech',
    text: 'Chiusi oggi',
  });
  assert.deepEqual(messageSource({ media: null, text: '   ' }), { kind: 'default' });
  assert.deepEqual(messageSource({}), { kind: 'default' });
});

test('a text is spoken instead of the file default', async () => {
  const { ctx, played } = fakeCall();
  await playMessage(ctx, { text: 'Lavori gas' }, 'sound:beep', { tts: speaking, log });
  assert.deepEqual(played, ['sound:http://tts/Lavori%20gas.wav']);
  assert.deepEqual(ctx.notes, []);
});

test('a recording wins over a text; neither: the default', async () => {
  const a = fakeCall();
  await playMessage(a.ctx, { media: 'sound:vm-goodbye', text: 'x' }, 'sound:beep', {
    tts: speaking,
    log,
  });
  assert.deepEqual(a.played, ['sound:vm-goodbye']);
  const b = fakeCall();
  await playMessage(b.ctx, { media: null, text: null }, 'sound:beep', { tts: speaking, log });
  assert.deepEqual(b.played, ['sound:beep']);
  const c = fakeCall();
  await playMessage(c.ctx, {}, undefined, { tts: speaking, log });
  assert.deepEqual(c.played, [], 'a holiday with no message plays nothing');
});

test('synthesis failing: the default plays, a warning is logged, the CRM call says so', async () => {
  warnings.length = 0;
  const { ctx, played } = fakeCall();
  await playMessage(ctx, { text: 'Lavori gas' }, 'sound:beep', { tts: broken, log });
  assert.deepEqual(played, ['sound:beep']);
  assert.match(warnings.join('\n'), /text-to-speech failed/);
  assert.equal(ctx.notes.length, 1);
});

test('Asterisk failing to play the speech: the default plays after it', async () => {
  const { ctx, played } = fakeCall((m) => (m.startsWith('sound:http') ? 'failed' : 'done'));
  await playMessage(ctx, { text: 'Lavori gas' }, 'sound:beep', { tts: speaking, log });
  assert.deepEqual(played, ['sound:http://tts/Lavori%20gas.wav', 'sound:beep']);
});
