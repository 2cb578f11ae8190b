/**
 * The README's walk-through, run as a newcomer would: the shell block of "## A walk through the
 * API" is taken from README.md as written and run with bash against the real server (the demo
 * workshop on a temporary SQLite file, today's real date and clock). `curl` is wrapped to log the
 * status of every request. The test fails when a step stops working: a request that is not 2xx
 * (except the documented illegal transition, which must be a 409), a captured value that came out
 * empty, or any command failing (the block runs under `set -e`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/app/context.js';
import { startTestServer, type TestServer } from './helpers.js';

const SECTION = '## A walk through the API';

/** The first ```sh block of the README section. */
export function walkThrough(readme: string): string {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no section "${SECTION}"`);
  const end = readme.indexOf('\n## ', start + SECTION.length + 2);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const m = /```sh\n([\s\S]*?)\n```/.exec(section);
  if (!m) throw new Error(`the section "${SECTION}" has no sh block`);
  return m[1];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'baywise-readme-'));
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ DEMO: 'true', DATA_PATH: join(dir, 'walkthrough.db') }, { clock: systemClock });
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('README walk-through', () => {
  it('runs step by step against the real server with the demo', async () => {
    const block = walkThrough(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));
    expect(block).toMatch(/^B=http:\/\/127\.0\.0\.1:8080$/m);
    // the variables the block captures, in order (WS=…, SLOT=…, APT=…, TECH=…)
    const captured = [...new Set([...block.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]))];
    expect(captured).toEqual(expect.arrayContaining(['WS', 'SLOT', 'APT', 'APT2', 'TECH']));

    const log = join(dir, 'requests.log');
    writeFileSync(log, '');
    const script = [
      'set -e',
      // every request's status, method and URL (the response itself goes where the README sends it)
      `curl() { local h; h=$(mktemp); local rc=0; command curl -D "$h" "$@" || rc=$?; printf '%s\\t%s\\n' "$(awk 'NR==1{print $2}' "$h")" "$(printf '%s ' "$@" | tr '\\n' ' ')" >> ${JSON.stringify(log)}; rm -f "$h"; return $rc; }`,
      block.replace(/^B=.*$/m, `B=${server.url}`),
      ...captured.map((v) => `printf '%s=%s\\n' ${v} "$${v}" >&3`),
    ].join('\n');
    const file = join(dir, 'walkthrough.sh');
    writeFileSync(file, script);
    const out = join(dir, 'captured.txt');
    const res = await run('bash', ['-c', `bash ${JSON.stringify(file)} 3>${JSON.stringify(out)}`], { ...process.env, LC_ALL: 'C' });
    const requests = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
      const [status, call] = l.split('\t');
      return { status: Number(status), call };
    });
    const context = `exit ${res.code}\nstderr: ${res.stderr.slice(-2000)}\nrequests:\n${requests.map((r) => `${r.status} ${r.call.slice(0, 160)}`).join('\n')}`;
    expect(res.code, context).toBe(0);

    const values = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    for (const v of captured) {
      expect(values[v], `${v} came out empty\n${context}`).toBeTruthy();
      expect(values[v], `${v}\n${context}`).not.toBe('undefined');
    }

    expect(requests.length).toBeGreaterThan(20);
    const illegal = requests.filter((r) => r.call.includes('"status":"delivered"'));
    expect(illegal.map((r) => r.status), 'the documented illegal transition').toEqual([409]);
    const failed = requests.filter((r) => !illegal.includes(r) && !(r.status >= 200 && r.status < 300));
    expect(failed, context).toEqual([]);

    // what the steps did, seen from the API
    const apt = await server.req('GET', `/v1/appointments/${values.APT}`);
    expect(apt.body.status).toBe('checked_in');
    expect(Date.parse(apt.body.plannedArrival)).toBe(Date.parse(values.SLOT));
    const apt2 = await server.req('GET', `/v1/appointments/${values.APT2}`);
    expect(apt2.body.operations[0]).toMatchObject({ status: 'in_progress', technicianId: values.TECH });
    const ali = await server.req('GET', `/v1/workshops/${values.WS}/appointments?limit=500`);
    expect(ali.body.items.filter((a: { customer: { name: string } }) => a.customer.name === 'Ali Demir')).toHaveLength(1); // the key booked once
  }, 120_000);
});
