/** Both CLIs parse their options with node:util parseArgs: --help, `--name=value` and `--name value`. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const cli = (name: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, `src/cli/${name}.ts`), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('simulate CLI', () => {
  it('--help prints the usage on stdout and exits 0', () => {
    const r = cli('simulate', ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run simulate/);
    expect(r.stdout).toContain('--days <n>');
    expect(r.stderr).toBe('');
  });

  it('takes --days=2 and --replications=2 (the = form) and simulates that many replication-days', () => {
    const r = cli('simulate', ['scenarios/small-independent-garage.json', '--days=2', '--replications=2', '--workers=0', '--iterations', '50']);
    expect(r.stderr).toContain('4/4 replication-days');
    expect(r.stdout).toMatch(/2 replications × 2 days × 1 scenario\(s\)/);
    expect(r.status).toBe(0);
  });

  it('refuses an unknown option and a bad value with exit 2 and the usage', () => {
    const unknown = cli('simulate', ['scenarios/small-independent-garage.json', '--dayz=2']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--dayz'/);
    expect(unknown.stderr).toContain('usage: npm run simulate');
    const bad = cli('simulate', ['scenarios/small-independent-garage.json', '--days=0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--days must be an integer in [1, 365]');
  });
});

describe('solve CLI', () => {
  it('--help prints the usage on stdout and exits 0', () => {
    const r = cli('solve', ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run solve/);
    expect(r.stdout).toContain('--time-limit <seconds>');
  });

  it('takes --time-limit=0.3 --seed=2 (the = form)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fjs-'));
    const file = join(dir, 'tiny.fjs');
    writeFileSync(file, '2 2 1\n2 1 1 3 1 2 2\n2 1 2 2 1 1 4\n');
    const r = cli('solve', [file, '--time-limit=0.3', '--seed=2', '--no-lp']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).makespan).toBe(7);
    const bad = cli('solve', [file, '--seed=-1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--seed needs a non-negative number');
  });
});
