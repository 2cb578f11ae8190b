/**
 * Bounded simulation jobs, through HTTP against the real server and SQLite store: the caps on
 * running and queued jobs (queue positions, 429 + Retry-After beyond), the per-scenario cap, DELETE
 * ending a job in any state (a running job's worker threads terminated), the time and heap limits,
 * jobs interrupted by a kill -9 or a shutdown reported failed after a restart, and the OpenAPI
 * document showing Location as a response header of the 202.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simulationWorkerCount } from '../../src/app/simulations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { readScenarioFile } from '../../src/app/demo.js';
import { startTestServer, type TestServer } from '../helpers.js';

/** A job that runs for many seconds: it is still running when the test looks at it (and is cancelled at the end). */
const LONG = { scenario: 'demo-dealership', days: 30, replications: 20 };
/** A job that ends in well under a second once it runs. */
const TINY = { scenario: 'small-independent-garage', days: 1, replications: 2 };
const POST = '/v1/scenarios/simulations';

const servers: TestServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  // no test leaves worker threads behind
  await until(() => simulationWorkerCount() === 0, 'simulation workers still alive');
});

async function server(env: Record<string, string> = {}) {
  const s = await startTestServer({ SIM_WORKERS_PER_JOB: '1', ...env });
  servers.push(s);
  return s;
}

async function until(pred: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > ms) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const job = async (s: TestServer, id: string) => (await s.req('GET', `${POST}/${id}`)).body;

describe('caps on simulation jobs', () => {
  it('N+1 concurrent jobs: SIM_MAX_RUNNING run, SIM_MAX_QUEUED wait with their position, the next one is 429 with Retry-After', async () => {
    const s = await server({ SIM_MAX_RUNNING: '1', SIM_MAX_QUEUED: '2' });
    const answers = await Promise.all(Array.from({ length: 4 }, () => s.req('POST', POST, LONG)));
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status !== 202);
    expect(accepted.map((a) => a.body.status).sort()).toEqual(['queued', 'queued', 'running']);
    expect(accepted.filter((a) => a.body.status === 'queued').map((a) => a.body.queuePosition).sort()).toEqual([1, 2]);
    expect(accepted.find((a) => a.body.status === 'running')!.body.queuePosition).toBeUndefined();
    expect(refused).toHaveLength(1);
    const [r429] = refused;
    expect(r429.status).toBe(429);
    expect(r429.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r429.body.code).toBe('too_many_jobs');
    expect(r429.body.limit).toBe('SIM_MAX_QUEUED');
    expect(r429.body.detail).toMatch(/SIM_MAX_RUNNING = 1, SIM_MAX_QUEUED = 2/);
    expect(Number(r429.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(r429.headers.get('x-request-id')).toBeTruthy();

    const running = accepted.find((a) => a.body.status === 'running')!.body.id as string;
    const [first, second] = accepted.filter((a) => a.body.status === 'queued').sort((a, b) => a.body.queuePosition - b.body.queuePosition).map((a) => a.body.id as string);
    // positions are live: leaving the queue moves the others up, and frees a place for a new job
    const del = await s.req('DELETE', `${POST}/${first}`);
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('cancelled');
    expect(del.body.queuePosition).toBeUndefined();
    expect((await job(s, second)).queuePosition).toBe(1);
    const again = await s.req('POST', POST, TINY);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'queued', queuePosition: 2 });
    expect((await job(s, running)).status).toBe('running');
    // ending the running job starts the queued ones in order
    expect((await s.req('DELETE', `${POST}/${second}`)).body.status).toBe('cancelled');
    expect((await s.req('DELETE', `${POST}/${running}`)).body.status).toBe('cancelled');
    await until(async () => (await job(s, again.body.id)).status === 'done', 'the queued job ran after the running one was cancelled');
    expect(s.store.simulations.get(again.body.id)!.status).toBe('done');
    expect(s.store.simulations.get(first)!.status).toBe('cancelled');
  });

  it('one scenario holds at most SIM_MAX_JOBS_PER_SCENARIO places; other scenarios still get theirs', async () => {
    const s = await server({ SIM_MAX_RUNNING: '1', SIM_MAX_QUEUED: '5', SIM_MAX_JOBS_PER_SCENARIO: '2' });
    const a1 = await s.req('POST', POST, LONG);
    const a2 = await s.req('POST', POST, LONG);
    expect([a1.body.status, a2.body.status]).toEqual(['running', 'queued']);
    const a3 = await s.req('POST', POST, LONG);
    expect(a3.status).toBe(429);
    expect(a3.body.limit).toBe('SIM_MAX_JOBS_PER_SCENARIO');
    expect(a3.body.detail).toMatch(/demo-dealership/);
    expect(Number(a3.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const b = await s.req('POST', POST, TINY);
    expect(b.status).toBe(202);
    expect(b.body).toMatchObject({ status: 'queued', queuePosition: 2 });
    for (const id of [a1.body.id, a2.body.id, b.body.id]) expect((await s.req('DELETE', `${POST}/${id}`)).status).toBe(200);
  });
});

describe('DELETE ends a job whatever its state', () => {
  it('a running job: its worker threads are terminated and a later GET shows it cancelled', async () => {
    const s = await server();
    const r = await s.req('POST', POST, LONG);
    expect(r.body.status).toBe('running');
    await until(async () => (await job(s, r.body.id)).progress > 0, 'the job made progress');
    expect(simulationWorkerCount()).toBe(1);
    const d = await s.req('DELETE', `${POST}/${r.body.id}`);
    expect(d.status).toBe(200);
    expect(d.body.status).toBe('cancelled');
    await until(() => simulationWorkerCount() === 0, 'the cancelled job\'s worker exited');
    const g = await job(s, r.body.id);
    expect(g.status).toBe('cancelled');
    expect(g.result).toBeNull();
    expect(s.store.simulations.get(r.body.id)!.status).toBe('cancelled');
    // DELETE on an ended job returns it as it is
    const again = await s.req('DELETE', `${POST}/${r.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'cancelled', updatedAt: d.body.updatedAt });
  });

  it('a finished job is returned as it is, result included', async () => {
    const s = await server();
    const r = await s.req('POST', POST, TINY);
    await until(async () => (await job(s, r.body.id)).status === 'done', 'the tiny job finished');
    const d = await s.req('DELETE', `${POST}/${r.body.id}`);
    expect(d.status).toBe(200);
    expect(d.body.status).toBe('done');
    expect(d.body.result.base.kpis.onTimeRate.n).toBe(2);
  });
});

describe('time and memory bounds of a job', () => {
  it('a job that runs past SIM_JOB_TIMEOUT_MS is stopped and failed, naming the setting', async () => {
    const s = await server({ SIM_JOB_TIMEOUT_MS: '1000' });
    const r = await s.req('POST', POST, LONG);
    await until(async () => (await job(s, r.body.id)).status !== 'running', 'the job was stopped');
    const g = await job(s, r.body.id);
    expect(g.status).toBe('failed');
    expect(g.error).toMatch(/time limit.*SIM_JOB_TIMEOUT_MS/);
    await until(() => simulationWorkerCount() === 0, 'the stopped job\'s worker exited');
  });

  it('a worker that reaches SIM_WORKER_HEAP_MB fails its job with a named error; a job that fits the same limit runs', async () => {
    // 32 MB: room for the modules a worker loads (under tsx it also transpiles them), far from what the big job needs
    const s = await server({ SIM_WORKER_HEAP_MB: '32' });
    const small = await s.req('POST', POST, TINY);
    await until(async () => (await job(s, small.body.id)).status !== 'running', 'the small job ended');
    expect((await job(s, small.body.id)).status).toBe('done');
    // the dealership twenty times over (280 technicians, 240 bays, 20× the demand): far more than 32 MB of heap
    const d = readScenarioFile('scenarios/demo-dealership.json');
    const k = 20;
    const times = <T extends { name: string }>(xs: T[]) => Array.from({ length: k }, (_, i) => xs.map((x) => ({ ...x, name: `${x.name} ${i}` }))).flat();
    const big = {
      ...d, name: 'dealership x20', seedBookings: undefined, technicians: times(d.technicians), bays: times(d.bays),
      demand: { ...d.demand, walkInsPerDay: d.demand.walkInsPerDay * k, appointmentsPerDay: Object.fromEntries(Object.entries(d.demand.appointmentsPerDay).map(([day, n]) => [day, n * k])) },
    };
    const r = await s.req('POST', POST, { scenario: big, days: 2, replications: 2 });
    expect(r.status).toBe(202);
    await until(async () => (await job(s, r.body.id)).status !== 'running', 'the job hit its heap limit');
    const g = await job(s, r.body.id);
    expect(g.status).toBe('failed');
    expect(g.error).toMatch(/heap limit of 32 MB/);
  });
});

describe('jobs interrupted by a restart', () => {
  it('kill -9 while a job runs: after the restart it is failed (interrupted) and DELETE answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baywise-simjobs-'));
    dirs.push(dir);
    const file = join(dir, 'b.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', DATA_PATH: file, DEMO: 'false', LOG_LEVEL: 'info', SIM_WORKERS_PER_JOB: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let running: string;
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no listening line: ' + out)), 20_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /"url":"(http:[^"]+)"/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(m[1]);
          }
        });
      });
      const r = await fetch(url + POST, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(LONG) });
      expect(r.status).toBe(202);
      running = ((await r.json()) as { id: string }).id;
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // a queued job's row, as a crash would leave it
    const store = openSqliteStore(file);
    const t = '2026-11-23T06:00:00.000Z';
    store.simulations.put({ id: 'sim_queued_before', status: 'queued', request: TINY, progress: 0, result: null, error: null, createdAt: t, updatedAt: t });
    expect(store.simulations.get(running)!.status).toBe('running');
    store.close();

    const s = await server({ DATA_PATH: file });
    for (const id of [running, 'sim_queued_before']) {
      const g = await job(s, id);
      expect(g.status).toBe('failed');
      expect(g.error).toMatch(/interrupted by a restart/);
      const d = await s.req('DELETE', `${POST}/${id}`);
      expect(d.status).toBe(200);
      expect(d.body.status).toBe('failed');
    }
    expect((await job(s, running)).error).toMatch(/while running/);
    // the recovered jobs hold no place: a new job runs at once
    expect((await s.req('POST', POST, TINY)).body.status).toBe('running');
  });

  it('a shutdown ends the running and queued jobs (workers terminated); the next start reports them failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baywise-simjobs-'));
    dirs.push(dir);
    const file = join(dir, 'b.db');
    const s1 = await startTestServer({ DATA_PATH: file, SIM_WORKERS_PER_JOB: '1', SIM_MAX_RUNNING: '1' });
    const a = await s1.req('POST', POST, LONG);
    const b = await s1.req('POST', POST, LONG);
    expect([a.body.status, b.body.status]).toEqual(['running', 'queued']);
    await s1.close();
    await until(() => simulationWorkerCount() === 0, 'the workers of the closed service exited');
    const s2 = await server({ DATA_PATH: file });
    for (const id of [a.body.id, b.body.id]) {
      const g = await job(s2, id);
      expect(g.status).toBe('failed');
      expect(g.error).toMatch(/interrupted by a shutdown/);
    }
  });
});

describe('OpenAPI', () => {
  it('documents Location as a response header of the 202 (not a request header) and Retry-After on the 429', async () => {
    const s = await server();
    const doc = (await s.req('GET', '/openapi.json')).body;
    const op = doc.paths['/v1/scenarios/simulations'].post;
    expect(op.parameters.filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name)).not.toContain('Location');
    expect(op.responses['202'].headers.Location.schema.type).toBe('string');
    expect(op.responses['429'].headers['Retry-After']).toBeDefined();
    expect(op.responses['202'].content['application/json'].schema.$ref).toBe('#/components/schemas/SimulationJob');
    expect(doc.components.schemas.SimulationJob.properties.queuePosition).toBeDefined();
    // request headers stay parameters
    const quote = Object.values(doc.paths as Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>)
      .flatMap((p) => Object.values(p))
      .flatMap((o) => o.parameters ?? [])
      .filter((p) => p.in === 'header')
      .map((p) => p.name);
    expect(quote).toContain('Idempotency-Key');
  });
});
