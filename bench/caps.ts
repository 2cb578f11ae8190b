/**
 * The largest accepted workshop, measured from outside: builds a workshop at the size caps through
 * the HTTP API (technicians, bays, catalogue, open repair orders with the most operations allowed),
 * then times each heavy request while /healthz is polled every 10 ms on another connection.
 * Prints per request: status, latency, worst and p99 /healthz latency during it; the idle /healthz
 * baseline of the same run; and the service's peak RSS (VmHWM).
 *
 *   npx tsx bench/caps.ts [--techs N] [--bays N] [--catalogue N] [--orders N] [--ops-per-order N] [--days N]
 * Defaults are the caps in src/app/limits.ts.
 */
import { startService } from './service.js';
import { DateTime } from 'luxon';
import { LIMITS } from '../src/model/limits.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const TECHS = arg('techs', LIMITS.technicians);
const BAYS = arg('bays', LIMITS.bays);
const CATALOGUE = arg('catalogue', LIMITS.catalogue);
// one order short of the cap: the bench's own booking takes the last place
const ORDERS = arg('orders', LIMITS.openRepairOrders - 1);
const OPS_PER_ORDER = arg('ops-per-order', 3);
const DAYS = arg('days', 10);
const ZONE = 'Europe/Berlin';
const SKILLS = ['maintenance', 'brakes', 'electrical', 'tyres', 'diagnosis'];

async function call(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not json */
  }
  return { status: res.status, body: json };
}

/** Times `fn` while polling /healthz every 10 ms; returns the request's latency and the health latencies seen meanwhile. */
async function underWatch(url: string, fn: () => Promise<{ status: number }>) {
  const health: number[] = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(url + '/healthz').then((r) => r.arrayBuffer());
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  done = true;
  await poll;
  health.sort((a, b) => a - b);
  return { status: r.status, ms, healthWorst: health.at(-1) ?? NaN, healthP99: health[Math.floor(health.length * 0.99)] ?? NaN, polls: health.length };
}

const svc = await startService({ DEMO: 'false', BODY_LIMIT: '1mb' }, { name: 'caps' });
const { url } = svc;
try {
  const t0 = performance.now();
  const week = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
  const ws = await call(url, 'POST', '/v1/workshops', {
    name: 'Largest accepted workshop',
    timeZone: ZONE,
    openingHours: Object.fromEntries(week.map((d) => [d, [{ start: '07:00', end: '19:00' }]])),
  });
  const id = ws.body.id as string;
  const techIds: string[] = [];
  for (let i = 0; i < TECHS; i++) {
    const skills = Object.fromEntries(SKILLS.filter((_, k) => (i + k) % 2 === 0 || k === i % SKILLS.length).map((s) => [s, 'B']));
    const early = i % 2 === 0;
    const r = await call(url, 'POST', `/v1/workshops/${id}/technicians`, {
      name: `Tech ${i}`,
      skills,
      shifts: week.map((weekday) => ({ weekday, start: early ? '07:00' : '10:00', end: early ? '15:30' : '18:30', breaks: [{ start: '12:00', end: '12:30' }] })),
    });
    if (r.status !== 201) throw new Error(`technician: ${r.status} ${JSON.stringify(r.body)}`);
    techIds.push(r.body.id);
  }
  for (let i = 0; i < BAYS; i++) {
    const r = await call(url, 'POST', `/v1/workshops/${id}/bays`, { name: `Bay ${i}`, capabilities: i % 4 === 0 ? ['lift', 'alignment'] : ['lift'] });
    if (r.status !== 201) throw new Error(`bay: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const codes: string[] = [];
  for (let i = 0; i < CATALOGUE; i++) {
    const code = `OP-${i}`;
    const r = await call(url, 'POST', `/v1/workshops/${id}/operations`, {
      opCode: code, name: `Operation ${i}`, standardHours: [0.4, 0.8, 1.2, 1.5, 2.5][i % 5], skill: SKILLS[i % SKILLS.length], bayCapability: 'lift',
    });
    if (r.status !== 201) throw new Error(`operation: ${r.status} ${JSON.stringify(r.body)}`);
    codes.push(code);
  }
  // open repair orders spread over the working days ahead, with promises recorded (imports)
  const start = DateTime.now().setZone(ZONE).plus({ days: 1 }).startOf('day');
  const workdays: DateTime[] = [];
  for (let d = start; workdays.length < DAYS; d = d.plus({ days: 1 })) if (d.weekday <= 5) workdays.push(d);
  for (let i = 0; i < ORDERS; i++) {
    const day = workdays[i % workdays.length];
    const arrival = day.set({ hour: 7 + (i % 8), minute: (i * 15) % 60 });
    const r = await call(url, 'POST', `/v1/workshops/${id}/appointments`, {
      customer: { name: `Customer ${i}` },
      vehicle: { plate: `B-CP ${i}` },
      plannedArrival: arrival.toISO(),
      promisedAt: arrival.plus({ hours: 9 }).toISO(),
      transport: 'drop_off',
      operations: Array.from({ length: OPS_PER_ORDER }, (_, k) => ({ opCode: codes[(i * 7 + k * 3) % codes.length] })),
    });
    if (r.status !== 201) throw new Error(`order: ${r.status} ${JSON.stringify(r.body)}`);
  }
  console.log(`built: ${TECHS} technicians, ${BAYS} bays, ${CATALOGUE} catalogue ops, ${ORDERS} open orders × ${OPS_PER_ORDER} ops in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  let planStats = '';
  const idle = await underWatch(url, () => new Promise((r) => setTimeout(() => r({ status: 200 }), 1000)));
  const day1 = workdays[0].toISODate()!;
  const steps: [string, () => Promise<{ status: number; body?: any }>][] = [
    ['POST plan (replan)', async () => {
      const r = await call(url, 'POST', `/v1/workshops/${id}/plan`, {});
      const st = r.body?.stats ?? {};
      planStats = `solver ${st.elapsedMs} ms (construction ${st.constructionMs} ms, ${st.iterations} iterations), unscheduled ${r.body?.unscheduled?.length}`;
      return r;
    }],
    ['GET plan (cached)', () => call(url, 'GET', `/v1/workshops/${id}/plan`)],
    ['GET board', () => call(url, 'GET', `/v1/workshops/${id}/board?date=${day1}`)],
    ['GET availability (7 days, 1 op)', () => call(url, 'GET', `/v1/workshops/${id}/availability?opCodes=${codes[0]}`)],
    ['POST quote', () => call(url, 'POST', `/v1/workshops/${id}/quotes`, { plannedArrival: workdays[2].set({ hour: 8 }).toISO(), transport: 'drop_off', operations: [{ opCode: codes[1] }] })],
    ['POST booking', () => call(url, 'POST', `/v1/workshops/${id}/appointments`, { customer: { name: 'New' }, vehicle: {}, plannedArrival: workdays[3].set({ hour: 8 }).toISO(), transport: 'drop_off', operations: [{ opCode: codes[2] }] })],
    ['POST absence (then GET plan: replan)', async () => {
      await call(url, 'POST', `/v1/workshops/${id}/technicians/${techIds[0]}/absence`, { from: workdays[0].set({ hour: 7 }).toISO(), to: workdays[0].set({ hour: 19 }).toISO() });
      return call(url, 'GET', `/v1/workshops/${id}/plan`);
    }],
    ['GET at-risk', () => call(url, 'GET', `/v1/workshops/${id}/at-risk`)],
    ['GET capacity-outlook', () => call(url, 'GET', `/v1/workshops/${id}/capacity-outlook`)],
  ];
  console.log(`idle /healthz: worst ${idle.healthWorst.toFixed(1)} ms, p99 ${idle.healthP99.toFixed(1)} ms over ${idle.polls} polls`);
  console.log('request                                   status   latency ms   /healthz worst ms   p99 ms   polls');
  for (const [name, fn] of steps) {
    const r = await underWatch(url, fn);
    console.log(`${name.padEnd(42)}${String(r.status).padStart(6)}${r.ms.toFixed(0).padStart(13)}${r.healthWorst.toFixed(1).padStart(20)}${r.healthP99.toFixed(1).padStart(9)}${String(r.polls).padStart(8)}`);
  }
  console.log(`replan: ${planStats}`);
  console.log(`peak RSS of the service: ${svc.rssPeakMb()} MB`);
} finally {
  await svc.stop();
}
