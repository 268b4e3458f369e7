// Where recordings (voicemail, queue calls) are kept and how they are linked from the CRM.
// The archive stores the audio under the sidecar's data directory, remembers which account it
// belongs to, and hands out links that only authorised requests can play (with HTTP Range).
export type RecordingKind = 'voicemail' | 'queue-call';

export interface StoredRecording {
  id: string;
  /** Absolute link for the CRM call (hs_call_recording_url) and the cards. */
  url: string;
}

export interface RecordingMeta {
  portalId: string;
  kind: RecordingKind;
  /** The call record it belongs to. */
  callId: string;
}

export interface RecordingArchive {
  /** Copies a finished ARI recording (its stored name) into the archive. */
  storeFromAri(storedName: string, meta: RecordingMeta): Promise<StoredRecording>;
  /** Moves a file the sidecar produced (e.g. a stereo WAV it assembled) into the archive. */
  storeFile(path: string, contentType: string, meta: RecordingMeta): Promise<StoredRecording>;
}
