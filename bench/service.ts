/**
 * The service under a bench: `node --import tsx src/main.ts` in its own process on a free port with
 * a database in a temporary folder, so a bench measures what a client sees and its own load does not
 * slow the service's event loop. Resolves when the service logs its URL; `stop` sends SIGTERM and
 * removes the folder.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchService {
  url: string;
  pid: number;
  dir: string;
  /** the process's peak resident memory so far (VmHWM), MB */
  rssPeakMb(): number;
  stop(): Promise<void>;
}

export async function startService(
  env: Record<string, string>,
  opts: { name?: string; startTimeoutMs?: number; unset?: string[] } = {},
): Promise<BenchService> {
  const dir = mkdtempSync(join(tmpdir(), `baywise-${opts.name ?? 'bench'}-`));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_PATH: join(dir, 'bench.db'), LOG_LEVEL: 'info', ...env };
  for (const k of opts.unset ?? []) delete childEnv[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('service did not start: ' + out)), opts.startTimeoutMs ?? 120_000);
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before listening: ${out}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
      if (out.length > 1e6) out = out.slice(-1e5);
    });
  });
  child.stdout!.resume();
  return {
    url,
    pid: child.pid!,
    dir,
    rssPeakMb: () => {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : NaN;
    },
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }).then(() => rmSync(dir, { recursive: true, force: true })),
  };
}
