// A real Asterisk 22 running in a Debian sid chroot (see asterisk/bin/provision.sh), one
// instance per name, on ports the caller chooses so several can run side by side.
import { spawn, execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile, chmod, open } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export const SANDBOX_ROOT =
  process.env.ASTERISK_SANDBOX_ROOT ?? '/var/cache/centralino/asterisk-root';

export interface AsteriskSandboxOptions {
  name?: string;
  ariPort?: number;
  sipPort?: number;
  /** The SIP peer that plays the carrier (a SIPp instance in tests). */
  trunkPeerPort?: number;
  rtpStart?: number;
  ariApp?: string;
  ariUsername?: string;
  ariPassword?: string;
}

export class AsteriskSandbox {
  readonly name: string;
  readonly ariPort: number;
  readonly sipPort: number;
  readonly trunkPeerPort: number;
  readonly rtpStart: number;
  readonly ariApp: string;
  readonly ariUsername: string;
  readonly ariPassword: string;
  /** Path of this instance inside the chroot. */
  readonly instanceDir: string;

  constructor(opts: AsteriskSandboxOptions = {}) {
    this.name = opts.name ?? 'default';
    this.ariPort = opts.ariPort ?? 8088;
    this.sipPort = opts.sipPort ?? 5060;
    this.trunkPeerPort = opts.trunkPeerPort ?? 5070;
    this.rtpStart = opts.rtpStart ?? 20000;
    this.ariApp = opts.ariApp ?? 'centralino';
    this.ariUsername = opts.ariUsername ?? 'centralino';
    this.ariPassword = opts.ariPassword ?? 'centralino';
    this.instanceDir = `/instances/${this.name}`;
  }

  get ariUrl(): string {
    return `http://127.0.0.1:${this.ariPort}`;
  }

  private hostPath(p: string): string {
    return path.join(SANDBOX_ROOT, p);
  }

  private get confFile(): string {
    return `${this.instanceDir}/etc/asterisk.conf`;
  }

  /** Provisions the chroot once (cached), then renders the repo's config for this instance. */
  async configure(): Promise<void> {
    await run('bash', [path.join(here, 'bin/provision.sh')], { maxBuffer: 1 << 24 });
    const vars: Record<string, string> = {
      INSTANCE_DIR: this.instanceDir,
      ARI_PORT: String(this.ariPort),
      SIP_PORT: String(this.sipPort),
      TRUNK_PEER_PORT: String(this.trunkPeerPort),
      RTP_START: String(this.rtpStart),
      RTP_END: String(this.rtpStart + 1998),
      ARI_APP: this.ariApp,
      ARI_USERNAME: this.ariUsername,
      ARI_PASSWORD: this.ariPassword,
    };
    const etc = this.hostPath(`${this.instanceDir}/etc`);
    await mkdir(etc, { recursive: true });
    for (const d of ['run', 'log', 'spool', 'lib', 'spool/recording', 'cache']) {
      await mkdir(this.hostPath(`${this.instanceDir}/${d}`), { recursive: true });
    }
    const confDir = path.join(here, 'conf');
    for (const file of await readdir(confDir)) {
      if (!file.endsWith('.conf')) continue;
      const template = await readFile(path.join(confDir, file), 'utf8');
      const rendered = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
        const value = vars[key];
        if (value === undefined) throw new Error(`${file}: unknown placeholder {{${key}}}`);
        return value;
      });
      await writeFile(path.join(etc, file), rendered);
      await chmod(path.join(etc, file), 0o644);
    }
  }

  /** Pid of the running instance, if any. */
  async pid(): Promise<number | undefined> {
    try {
      const pid = Number(
        (await readFile(this.hostPath(`${this.instanceDir}/run/asterisk.pid`), 'utf8')).trim(),
      );
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** Starts Asterisk in the background (it outlives this process) and waits until ARI answers. */
  async start(timeoutMs = 30_000): Promise<void> {
    if ((await this.pid()) !== undefined && (await this.isReady())) return;
    await this.configure();
    const log = await open(this.hostPath(`${this.instanceDir}/log/console.log`), 'a');
    const child = spawn(
      'chroot',
      [SANDBOX_ROOT, 'asterisk', '-f', '-n', '-U', 'root', '-G', 'root', '-C', this.confFile],
      { detached: true, stdio: ['ignore', log.fd, log.fd] },
    );
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = `exited (${code ?? signal})`));
    child.unref();
    await log.close();
    await this.waitReady(timeoutMs, () => exited);
  }

  async isReady(): Promise<boolean> {
    try {
      const res = await fetch(`${this.ariUrl}/ari/asterisk/info`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${this.ariUsername}:${this.ariPassword}`).toString('base64')}`,
        },
        signal: AbortSignal.timeout(1000),
      });
      return res.ok;
    } catch {
      return false;
    }
  }

  async waitReady(
    timeoutMs = 30_000,
    failed: () => string | undefined = () => undefined,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Polling is the only readiness signal Asterisk offers from outside: there is no event to
    // wait on before its HTTP server is up.
    while (Date.now() < deadline && failed() === undefined) {
      if (await this.isReady()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    const tail = await readFile(this.hostPath(`${this.instanceDir}/log/console.log`), 'utf8').catch(
      () => '',
    );
    throw new Error(
      `Asterisk sandbox '${this.name}' ${failed() ?? `not ready after ${timeoutMs} ms`}\n${tail.slice(-2000)}`,
    );
  }

  /** Runs an Asterisk CLI command against this instance. */
  async cli(command: string): Promise<string> {
    const { stdout } = await run('chroot', [
      SANDBOX_ROOT,
      'asterisk',
      '-C',
      this.confFile,
      '-rx',
      command,
    ]);
    return stdout;
  }

  /** Graceful stop; waits for the process to be gone. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const pid = await this.pid();
    if (pid === undefined) return;
    await this.cli('core stop now').catch(() => undefined);
    if (!(await waitGone(pid, timeoutMs))) await this.kill();
  }

  /** SIGKILL, as a crash would: for tests of the sidecar's reconnect. */
  async kill(): Promise<void> {
    const pid = await this.pid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 5000);
    await rm(this.hostPath(`${this.instanceDir}/run/asterisk.pid`), { force: true });
    await rm(this.hostPath(`${this.instanceDir}/run/asterisk.ctl`), { force: true });
  }

  get logFile(): string {
    return this.hostPath(`${this.instanceDir}/log/messages.log`);
  }

  static isProvisioned(): boolean {
    return existsSync(path.join(SANDBOX_ROOT, '.centralino-provisioned'));
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
