import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/solve.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 20_000 });

describe('solve CLI', () => {
  it('prints one JSON object with 1-based job/op/machine rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fjs-'));
    const file = join(dir, 'tiny.fjs');
    writeFileSync(file, '2 2 1\r\n2 1 1 3 1 2 2\r\n2 1 2 2 1 1 4\r\n');
    const r = run([file, '--time-limit', '0.3', '--seed', '2', '--no-lp']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.makespan).toBe(7);
    expect(out.lowerBound).toBe(7);
    expect(out.schedule).toHaveLength(4);
    expect(out.schedule[0]).toEqual({ job: 1, op: 1, machine: 1, start: 0, end: 3 });
  });
  it('exits 2 with a message on stderr for a missing or malformed file', () => {
    const missing = run(['/nonexistent/x.fjs']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const dir = mkdtempSync(join(tmpdir(), 'fjs-'));
    const bad = join(dir, 'bad.fjs');
    writeFileSync(bad, '1 2\n1 1 3 5\n');
    const r = run([bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/machine 3 out of range/);
    expect(r.stdout).toBe('');
  });
});
