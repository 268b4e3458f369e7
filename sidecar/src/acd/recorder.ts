// Stereo recording of a queue call (T4): one ARI snoop channel spying 'in' on each leg
// (what the caller says, what the agent says), each recorded as 16-bit 8 kHz WAV; when the
// call ends both files are fetched over ARI, interleaved into one stereo WAV (caller left,
// agent right) and handed to the RecordingArchive.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from 'ari-client';
import type { Logger } from '../ports.ts';
import type { RecordingArchive, RecordingMeta, StoredRecording } from '../recordings/port.ts';
import { interleaveStereo, parseMonoWav } from './domain/stereo-wav.ts';

export interface AriAccess {
  url: string;
  username: string;
  password: string;
  app: string;
}

interface Side {
  snoopId: string;
  name: string;
}

/** What the recorder needs from telephony: the client, and snoops that are ready to record. */
export interface SnoopSource {
  client(): Client;
  snoop(channelId: string, spy: 'in'): Promise<{ info: { id: string } }>;
}

export class ActiveRecording {
  constructor(
    private readonly recorder: StereoRecorder,
    readonly caller: Side,
    readonly agent: Side,
  ) {}
  finish(meta: RecordingMeta): Promise<StoredRecording> {
    return this.recorder.finish(this, meta);
  }
}

export class StereoRecorder {
  constructor(
    private readonly telephony: SnoopSource,
    private readonly ari: AriAccess,
    private readonly archive: RecordingArchive,
    private readonly tmpDir: string,
    private readonly log: Logger,
  ) {}

  async start(callerChannelId: string, agentChannelId: string): Promise<ActiveRecording> {
    const base = `acd-${randomUUID()}`;
    const [caller, agent] = await Promise.all([
      this.side(callerChannelId, `${base}-caller`),
      this.side(agentChannelId, `${base}-agent`),
    ]);
    return new ActiveRecording(this, caller, agent);
  }

  private async side(channelId: string, name: string): Promise<Side> {
    const snoop = await this.telephony.snoop(channelId, 'in');
    await this.client().channels.record({
      channelId: snoop.info.id,
      name,
      format: 'wav',
      ifExists: 'overwrite',
    });
    return { snoopId: snoop.info.id, name };
  }

  private client(): Client {
    return this.telephony.client();
  }

  async finish(rec: ActiveRecording, meta: RecordingMeta): Promise<StoredRecording> {
    const sides = [rec.caller, rec.agent];
    await Promise.all(
      sides.map(async (s) => {
        await this.client()
          .recordings.stop({ recordingName: s.name })
          .catch((err: unknown) =>
            this.log.debug({ err, name: s.name }, 'recording already stopped'),
          );
        await this.client()
          .channels.hangup({ channelId: s.snoopId })
          .catch(() => undefined);
      }),
    );
    const [left, right] = await Promise.all(sides.map((s) => this.fetchStored(s.name)));
    const stereo = interleaveStereo(parseMonoWav(left!), parseMonoWav(right!));
    await mkdir(this.tmpDir, { recursive: true });
    const file = path.join(this.tmpDir, `${rec.caller.name.replace(/-caller$/, '')}.wav`);
    await writeFile(file, stereo);
    const stored = await this.archive.storeFile(file, 'audio/wav', meta);
    for (const s of sides)
      await this.client()
        .recordings.deleteStored({ recordingName: s.name })
        .catch((err: unknown) =>
          this.log.warn({ err, name: s.name }, 'could not delete ARI recording'),
        );
    return stored;
  }

  /** GET /recordings/stored/{name}/file; the file appears once Asterisk has closed it. */
  private async fetchStored(name: string): Promise<Buffer> {
    const auth = Buffer.from(`${this.ari.username}:${this.ari.password}`).toString('base64');
    const deadline = Date.now() + 5000;
    for (;;) {
      const res = await fetch(
        `${this.ari.url}/ari/recordings/stored/${encodeURIComponent(name)}/file`,
        { headers: { authorization: `Basic ${auth}` } },
      );
      if (res.ok) return Buffer.from(await res.arrayBuffer());
      if (res.status !== 404 || Date.now() > deadline)
        throw new Error(`fetching recording ${name} failed: ${res.status}`);
      // Asterisk stores the file asynchronously after stop: wait for an outside state.
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
