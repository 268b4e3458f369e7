// Runs an outside program without blocking the event loop: optional stdin, a time limit, and
// an error that carries the program's own complaint (the tail of its stderr).
import { spawn } from 'node:child_process';

export class ProgramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgramError';
  }
}

export function runProgram(
  bin: string,
  args: readonly string[],
  opts: { stdin?: string; timeoutMs: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    // A missing binary (ENOENT) arrives here, not as an exit code.
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new ProgramError(`${bin}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new ProgramError(
            `${bin} ${signal ? `killed (${signal}, limit ${opts.timeoutMs} ms)` : `exited ${code}`}: ${stderr.trim()}`,
          ),
        );
    });
    // A program that dies before reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}
