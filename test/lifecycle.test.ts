/**
 * The process as an operator runs it: the compiled service started by `npm start` (which builds,
 * then `exec`s node, so signals reach the service) and by `node dist/src/main.js`, signalled the way
 * container runtimes and systemd do. Also the kill -9 round: every write acknowledged with a 2xx
 * is there after a SIGKILL and a restart.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAY, OP, TECH, WORKSHOP } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '..');
const dirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  // once per file: `npm start` builds again (prestart), node dist/src/main.js runs this build
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    /* type errors are `npm run typecheck`'s business; tsc still emits */
  }
  expect(existsSync(join(ROOT, 'dist/src/main.js'))).toBe(true);
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Service {
  child: ChildProcess;
  url: string;
  /** pid of the node process serving (for `npm start`: npm's child, which exec'd into node) */
  pid: number;
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'baywise-life-'));
  dirs.push(d);
  return d;
}

async function launch(cmd: 'node' | 'npm', env: Record<string, string>, args: string[] = []): Promise<Service> {
  const [file, argv] = cmd === 'node' ? [process.execPath, ['dist/src/main.js']] : ['npm', ['start', '--silent', ...args]];
  const child = spawn(file, argv, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DEMO: 'false', DATA_PATH: join(tmp(), 'baywise.db'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal, at: performance.now() })),
  );
  const up = await new Promise<{ url: string; pid: number }>((res, rej) => {
    const t = setInterval(() => {
      const m = /"url":"(http:[^"]+)"[^\n]*Baywise listening/.exec(out);
      if (m) {
        clearInterval(t);
        // the listening line names the pid; else the node process among the descendants
        const pid = /"pid":(\d+)[^\n]*Baywise listening/.exec(out)?.[1];
        res({ url: m[1], pid: pid ? Number(pid) : cmd === 'node' ? child.pid! : nodeBelow(child.pid!) });
      }
    }, 20);
    void exited.then(() => {
      clearInterval(t);
      rej(new Error('the service exited before listening:\n' + out));
    });
  });
  return { child, ...up, log: () => out, exited };
}

/** The first node process among the descendants of pid. */
function nodeBelow(pid: number): number {
  const kids = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)]).toString().trim().split('\n').filter(Boolean);
  for (const k of kids) {
    const [p, comm] = k.trim().split(/\s+/);
    if (comm === 'node') return Number(p);
    const below = nodeBelow(Number(p));
    if (below) return below;
  }
  return 0;
}

/** Parent pid of a running process, from /proc. */
function parentOf(pid: number): number {
  const stat = execFileSync('cat', [`/proc/${pid}/stat`]).toString();
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Whether a process with this pid still exists (a zombie does not count: it no longer runs). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(execFileSync('cat', [`/proc/${pid}/stat`]).toString());
  } catch {
    return false;
  }
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });

/** One HTTP request through node:http (keep-alive, like a load balancer or fetch). */
function call(url: string, method: string, path: string, body?: unknown, agent: Agent | false = keepAlive) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((res, rej) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const r = request(url + path, { method, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (resp) => {
      let text = '';
      resp.on('data', (c) => (text += c));
      resp.on('end', () => res({ status: resp.statusCode!, headers: resp.headers, body: text ? JSON.parse(text) : undefined }));
    });
    r.on('error', rej);
    r.end(data);
  });
}

/**
 * A request in flight across the signal: headers and half the body are sent now, the rest when
 * finish() is called. Its answer is the promise.
 */
function slowPost(url: string, path: string, body: unknown) {
  const data = Buffer.from(JSON.stringify(body));
  let finish!: () => void;
  const answer = new Promise<{ status: number; connection: unknown; body: any }>((res, rej) => {
    const r = request(url + path, { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', 'content-length': data.length } }, (resp) => {
      let text = '';
      resp.on('data', (c) => (text += c));
      resp.on('end', () => res({ status: resp.statusCode!, connection: resp.headers.connection, body: JSON.parse(text) }));
    });
    r.on('error', rej);
    r.write(data.subarray(0, data.length >> 1));
    finish = () => r.end(data.subarray(data.length >> 1));
  });
  return { answer, finish: () => finish() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || performance.now() > until) return v;
    await sleep(25);
  }
}

/** Figures printed for the report: SIGTERM → exit of each run. */
const figures: string[] = [];
afterAll(() => console.log('SIGTERM → exit:\n  ' + figures.join('\n  ')));

describe('SIGTERM', () => {
  let demoData = '';
  beforeAll(() => void (demoData = join(tmp(), 'demo.db')));

  it('node dist/src/main.js (no demo): drains with /readyz 503 while serving, finishes the request in flight, exits 0', async () => {
    const drainMs = 1_500;
    const s = await launch('node', { SHUTDOWN_DRAIN_MS: String(drainMs), SHUTDOWN_TIMEOUT_MS: '20000' });
    expect((await call(s.url, 'GET', '/readyz')).status).toBe(200);
    const inFlight = slowPost(s.url, '/v1/workshops', WORKSHOP);
    await sleep(100); // the request is on the server when the signal comes
    const t0 = performance.now();
    s.child.kill('SIGTERM');

    // during the drain: readiness says go away, everything else is served, new connections too
    const ready = await waitFor(() => call(s.url, 'GET', '/readyz', undefined, false), (r) => r.status === 503);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ code: 'unavailable', detail: 'shutting down' });
    expect((await call(s.url, 'GET', '/healthz', undefined, false)).status).toBe(200);
    const during = await call(s.url, 'POST', '/v1/workshops', { ...WORKSHOP, name: 'During the drain' }, false);
    expect(during.status).toBe(201);
    expect(performance.now() - t0).toBeLessThan(drainMs); // (all of that happened inside the drain)

    await sleep(drainMs + 300 - (performance.now() - t0)); // past the drain: the listener is closed
    inFlight.finish();
    const done = await inFlight.answer;
    expect(done.status).toBe(201); // 0 requests lost
    expect(done.connection).toBe('close'); // and the client is told not to reuse the connection

    const ex = await s.exited;
    expect(ex).toMatchObject({ code: 0, signal: null });
    expect(alive(s.pid)).toBe(false);
    expect(s.log()).toContain('"msg":"stopped"');
    figures.push(`node main.js, no demo, drain ${drainMs} ms, request finishing 300 ms after the drain: ${Math.round(ex.at - t0)} ms`);
  });

  it('npm start with the demo: npm forwards SIGTERM to node (exec), which drains and exits; npm exits 0, nothing left', async () => {
    const s = await launch('npm', { DEMO: 'true', DATA_PATH: demoData, SHUTDOWN_DRAIN_MS: '1000', SHUTDOWN_TIMEOUT_MS: '20000' });
    // exec: the shell npm started is node itself now (before: npm → sh → node, and SIGTERM killed only sh)
    expect(parentOf(s.pid)).toBe(s.child.pid);
    const t0 = performance.now();
    s.child.kill('SIGTERM'); // to npm, as `docker stop` or systemd would
    const ready = await waitFor(() => call(s.url, 'GET', '/readyz', undefined, false), (r) => r.status === 503);
    expect(ready.status).toBe(503); // node got it: it is draining
    const ex = await s.exited;
    expect(ex).toMatchObject({ code: 0, signal: null });
    await waitFor(async () => alive(s.pid), (a) => !a, 2_000);
    expect(alive(s.pid)).toBe(false);
    expect(s.log()).toContain('"msg":"stopped"');
    figures.push(`npm start, demo, drain 1000 ms: ${Math.round(ex.at - t0)} ms`);
  }, 90_000);

  it('node dist/src/main.js restarted on the demo: a request in flight completes, keep-alive connections do not hold the exit', async () => {
    // the store the previous run loaded the demo into (loading it takes seconds): a restart of the demo
    const s = await launch('node', { DEMO: 'true', DATA_PATH: demoData, SHUTDOWN_DRAIN_MS: '0', SHUTDOWN_TIMEOUT_MS: '20000' });
    const ws = (await call(s.url, 'GET', '/v1/workshops')).body;
    const wid = (ws.items ?? ws)[0].id as string;
    // cold after the start: computing these takes a moment, so they are in flight at the signal
    const plans = [1, 2, 3].map(() => call(s.url, 'GET', `/v1/workshops/${wid}/plan`));
    const inFlight = slowPost(s.url, '/v1/workshops', { ...WORKSHOP, name: 'In flight' });
    await sleep(50);
    const t0 = performance.now();
    s.child.kill('SIGTERM');
    await sleep(200);
    inFlight.finish();
    expect((await inFlight.answer).status).toBe(201);
    for (const p of await Promise.all(plans)) expect(p.status).toBe(200);
    const ex = await s.exited;
    expect(ex).toMatchObject({ code: 0, signal: null });
    expect(alive(s.pid)).toBe(false);
    // before: idle keep-alive connections held the exit for keepAliveTimeout (~6 s after the signal)
    expect(ex.at - t0).toBeLessThan(5_000);
    figures.push(`node main.js, demo, drain 0, 4 requests in flight: ${Math.round(ex.at - t0)} ms`);
  });

  it('npm start without the demo (build skipped: --ignore-scripts): the same', async () => {
    const s = await launch('npm', { SHUTDOWN_DRAIN_MS: '500', SHUTDOWN_TIMEOUT_MS: '20000' }, ['--ignore-scripts']);
    expect(parentOf(s.pid)).toBe(s.child.pid);
    const inFlight = slowPost(s.url, '/v1/workshops', WORKSHOP);
    await sleep(100);
    const t0 = performance.now();
    s.child.kill('SIGTERM');
    await sleep(700);
    inFlight.finish();
    expect((await inFlight.answer).status).toBe(201);
    const ex = await s.exited;
    expect(ex).toMatchObject({ code: 0, signal: null });
    await waitFor(async () => alive(s.pid), (a) => !a, 2_000);
    expect(alive(s.pid)).toBe(false);
    figures.push(`npm start, no demo, drain 500 ms, request finishing 200 ms after it: ${Math.round(ex.at - t0)} ms`);
  });

  it('a second signal exits at once (code 1), without waiting for the drain', async () => {
    const s = await launch('node', { SHUTDOWN_DRAIN_MS: '15000', SHUTDOWN_TIMEOUT_MS: '20000' });
    s.child.kill('SIGTERM');
    await waitFor(() => call(s.url, 'GET', '/readyz', undefined, false), (r) => r.status === 503);
    s.child.kill('SIGINT');
    const ex = await s.exited;
    expect(ex.code).toBe(1);
    expect(s.log()).toContain('second signal');
    expect(alive(s.pid)).toBe(false);
  });

  it('SHUTDOWN_TIMEOUT_MS bounds the shutdown: a request that never completes is cut, the exit says so (code 1)', async () => {
    const s = await launch('node', { SHUTDOWN_DRAIN_MS: '200', SHUTDOWN_TIMEOUT_MS: '1500' });
    const stuck = slowPost(s.url, '/v1/workshops', WORKSHOP); // never finished
    const lost = stuck.answer.then(
      () => 'answered',
      () => 'cut',
    );
    await sleep(100);
    s.child.kill('SIGTERM');
    const ex = await s.exited;
    expect(ex.code).toBe(1);
    expect(await lost).toBe('cut');
    expect(s.log()).toMatch(/"cut":1/);
  });
});

describe('kill -9', () => {
  it('keeps every write acknowledged with a 2xx across SIGKILL and a restart', async () => {
    const dataPath = join(tmp(), 'baywise.db');
    const s1 = await launch('node', { DATA_PATH: dataPath, SHUTDOWN_DRAIN_MS: '0' });
    const w = (await call(s1.url, 'POST', '/v1/workshops', WORKSHOP)).body.id as string;
    expect((await call(s1.url, 'POST', `/v1/workshops/${w}/bays`, BAY)).status).toBe(201);
    expect((await call(s1.url, 'POST', `/v1/workshops/${w}/technicians`, TECH)).status).toBe(201);
    const acked: string[] = [];
    let stop = false;
    // 4 writers in a loop; SIGKILL lands in the middle of their traffic
    const writers = [0, 1, 2, 3].map(async (k) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await call(s1.url, 'POST', `/v1/workshops/${w}/operations`, { ...OP, opCode: `OP-${k}-${i}` }, false);
          if (r.status === 201) acked.push(r.body.opCode);
        } catch {
          return; // the connection died with the process
        }
      }
    });
    await waitFor(async () => acked.length, (n) => n >= 40);
    s1.child.kill('SIGKILL');
    const ex = await s1.exited;
    stop = true;
    await Promise.all(writers);
    expect(ex.signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(40);

    const s2 = await launch('node', { DATA_PATH: dataPath, SHUTDOWN_DRAIN_MS: '0' });
    const missing: string[] = [];
    for (const c of acked) if ((await call(s2.url, 'GET', `/v1/workshops/${w}/operations/${c}`)).status !== 200) missing.push(c);
    expect(missing).toEqual([]);
    s2.child.kill('SIGTERM');
    expect((await s2.exited).code).toBe(0);
  });
});
