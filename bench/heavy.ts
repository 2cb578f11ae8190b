/**
 * Heavy requests versus the event loop: the service runs in its own process on the demo workshop;
 * each heavy request of the list below is sent alone while /healthz is polled every 10 ms, and
 * the bench prints, per heavy request, its status and latency and the worst and p99 /healthz
 * latency while it ran, next to the idle /healthz baseline measured in the same run.
 *
 *   npx tsx bench/heavy.ts [--idle 200] [--only <substring>]
 *
 * To bench another heavy request (a plan read on a large workshop, …), append to HEAVY: a name
 * and a function of the running service that sends the request once and returns its status
 * (`setup` may prepare data first and is not timed).
 */
import { startService } from './service.js';
import { estimateWork, WORK_LIMIT } from '../src/domain/queueing/cost.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const IDLE_SAMPLES = Number(arg('idle', '200'));
const ONLY = arg('only', '');

interface Service {
  url: string;
  workshopId: string;
}

interface Heavy {
  name: string;
  setup?: (s: Service) => Promise<void>;
  send: (s: Service) => Promise<number>;
}

async function call(url: string, method = 'GET', body?: unknown): Promise<number> {
  const r = await fetch(url, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  await r.arrayBuffer();
  return r.status;
}
const estimateOf = (body: { model: string } & Record<string, unknown>): Heavy['send'] => (s) => call(`${s.url}/v1/queueing/estimate`, 'POST', body);

/** the largest integer x in [lo, hi] whose request is accepted (estimated work within WORK_LIMIT) */
function largestAccepted(lo: number, hi: number, make: (x: number) => { model: string } & Record<string, unknown>): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateWork(make(mid)).work <= WORK_LIMIT) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
const tv24 = (c: number) => ({ model: 'time_varying', arrivalRates: Array(24).fill(0.8 * c), servers: c, serviceRate: 1 });
const cw20k = (q: number) => ({ model: 'conditional_wait', servers: 3, busy: 3, queueAhead: q, service: { mean: 30, cv: 0.5 }, samples: 20_000 });
const st24 = (lambdaTenths: number) => ({
  model: 'staffing',
  arrivalRates: Array(24).fill(lambdaTenths / 10),
  serviceRate: 0.125,
  target: { kind: 'wait_within', maxWait: 10, probability: 0.8 },
  method: 'ode',
});
const C_MAX = largestAccepted(1, 1000, tv24);
const Q_MAX = largestAccepted(0, 10_000, cw20k);
const L_MAX = largestAccepted(1, 500, st24);

const HEAVY: Heavy[] = [
  // the probes of issue 10
  { name: 'probe: time_varying 24 periods × 1,000 servers', send: estimateOf({ model: 'time_varying', arrivalRates: Array(24).fill(800), servers: 1000, serviceRate: 1 }) },
  { name: 'probe: time_varying 100 periods × 1,000 servers', send: estimateOf({ model: 'time_varying', arrivalRates: Array(100).fill(800), servers: 1000, serviceRate: 1 }) },
  { name: 'probe: staffing ode λ=5/min × 24 periods', send: estimateOf(st24(50)) },
  { name: 'probe: conditional_wait 10,000 ahead × 20,000 samples', send: estimateOf(cw20k(10_000)) },
  // the largest accepted request of each heavy model
  { name: `largest accepted: time_varying 24 periods × ${C_MAX} servers`, send: estimateOf(tv24(C_MAX)) },
  { name: `largest accepted: staffing ode λ=${L_MAX / 10}/min × 24 periods`, send: estimateOf(st24(L_MAX)) },
  { name: `largest accepted: conditional_wait ${Q_MAX} ahead × 20,000 samples`, send: estimateOf(cw20k(Q_MAX)) },
  // typical requests (the cheap path must stay cheap)
  { name: 'small: time_varying 3 periods × 3 servers', send: estimateOf({ model: 'time_varying', arrivalRates: [0.5, 0.3, 0.1], servers: 3, serviceRate: 0.125 }) },
  { name: 'small: mmc', send: estimateOf({ model: 'mmc', arrivalRate: 6, serviceRate: 3, servers: 3 }) },
  // workshop-level queueing endpoints on the demo workshop
  { name: 'reception-forecast (demo)', send: (s) => call(`${s.url}/v1/workshops/${s.workshopId}/reception-forecast`) },
  { name: 'reception-forecast (demo, 100 advisors, 1,000 walk-ins)', send: (s) => call(`${s.url}/v1/workshops/${s.workshopId}/reception-forecast?advisors=100&walkInsPerDay=1000`) },
  { name: 'walk-in-eta (demo, express lane)', send: (s) => call(`${s.url}/v1/workshops/${s.workshopId}/walk-in-eta?opCodes=OIL-SVC`) },
  { name: 'capacity-outlook (demo, 93 days)', send: (s) => call(`${s.url}/v1/workshops/${s.workshopId}/capacity-outlook?from=${new Date().toISOString().slice(0, 10)}&to=${new Date(Date.now() + 92 * 86400_000).toISOString().slice(0, 10)}`) },
];

async function startDemo(): Promise<{ service: Service; stop: () => Promise<void> }> {
  const svc = await startService({ DEMO: 'true' }, { name: 'heavy' });
  const ws = (await (await fetch(`${svc.url}/v1/workshops`)).json()) as { items: { id: string }[] };
  return { service: { url: svc.url, workshopId: ws.items[0].id }, stop: svc.stop };
}

async function healthzOnce(url: string): Promise<number> {
  const t0 = performance.now();
  const st = await call(`${url}/healthz`);
  if (st !== 200) throw new Error(`/healthz answered ${st}`);
  return performance.now() - t0;
}

/** Poll /healthz every 10 ms (one at a time) until stopped; returns the latencies. */
function pollHealthz(url: string): { stop: () => Promise<number[]> } {
  const lat: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      lat.push(await healthzOnce(url));
      const wait = 10 - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return lat;
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const f1 = (x: number) => x.toFixed(1);

async function main() {
  const { service, stop } = await startDemo();
  try {
    for (let i = 0; i < 50; i++) await healthzOnce(service.url); // warm-up
    const idle: number[] = [];
    for (let i = 0; i < IDLE_SAMPLES; i++) idle.push(await healthzOnce(service.url));
    console.log(`idle /healthz: p50 ${f1(pct(idle, 0.5))} ms, p99 ${f1(pct(idle, 0.99))} ms, worst ${f1(Math.max(...idle))} ms (${idle.length} requests)`);
    console.log('| heavy request | status | latency ms | /healthz during: n | worst ms | p99 ms |');
    console.log('|---|---|---|---|---|---|');
    for (const h of HEAVY) {
      if (ONLY && !h.name.includes(ONLY)) continue;
      await h.setup?.(service);
      const poll = pollHealthz(service.url);
      await new Promise((r) => setTimeout(r, 20)); // the poller is running before the heavy request goes out
      const t0 = performance.now();
      const status = await h.send(service);
      const ms = performance.now() - t0;
      const lat = await poll.stop();
      console.log(`| ${h.name} | ${status} | ${f1(ms)} | ${lat.length} | ${f1(Math.max(...lat))} | ${f1(pct(lat, 0.99))} |`);
    }
  } finally {
    await stop();
  }
}

await main();
