// The flows file, loaded at start and reloaded without restart (file watch or the reload
// API). A bad reload keeps the flows that work and reports why.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../ports.ts';
import { FlowsConfigError, parseFlows, type FlowsFile } from './flow-schema.ts';

export type ReloadResult = { ok: true; loadedAt: number } | { ok: false; problems: string[] };

export async function readFlowsFile(path: string): Promise<FlowsFile> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, 'utf8'));
  } catch (err) {
    throw new FlowsConfigError([`${path}: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return parseFlows(raw);
}

export class FlowStore {
  private flows: FlowsFile;
  private watcher: FSWatcher | undefined;
  private lastError: string[] | null = null;
  private loadedAt: number;
  private readonly listeners = new Set<(r: ReloadResult) => void>();

  constructor(
    initial: FlowsFile,
    private readonly path: string | undefined,
    private readonly log: Logger,
  ) {
    this.flows = initial;
    this.loadedAt = Date.now();
  }

  current(): FlowsFile {
    return this.flows;
  }

  status(): { path: string | null; loadedAt: number; lastError: string[] | null } {
    return { path: this.path ?? null, loadedAt: this.loadedAt, lastError: this.lastError };
  }

  async reload(): Promise<ReloadResult> {
    if (!this.path) return { ok: false, problems: ['no FLOWS_FILE configured'] };
    let result: ReloadResult;
    try {
      this.flows = await readFlowsFile(this.path);
      this.loadedAt = Date.now();
      this.lastError = null;
      this.log.info({ path: this.path }, 'flows reloaded');
      result = { ok: true, loadedAt: this.loadedAt };
    } catch (err) {
      const problems = err instanceof FlowsConfigError ? [...err.problems] : [String(err)];
      this.lastError = problems;
      this.log.error({ path: this.path, problems }, 'flows reload refused; keeping the old flows');
      result = { ok: false, problems };
    }
    for (const l of this.listeners) l(result);
    return result;
  }

  /** Every reload attempt's outcome (tests wait on this). */
  onReload(listener: (r: ReloadResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watch(): void {
    if (!this.path || this.watcher) return;
    let timer: NodeJS.Timeout | undefined;
    // Editors write a file in several steps: wait for the writes to settle before reading.
    this.watcher = watch(this.path, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload(), 100);
    });
    this.watcher.on('error', (err) => this.log.warn({ err }, 'flows file watch failed'));
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
