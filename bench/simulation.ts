/**
 * Simulation benchmark.
 *  1. Replan budget: a few replications of the 12-bay dealership with different local-search
 *     iteration budgets per warm-started replan (0 = warm-start repair/dispatch only), to show what
 *     the default costs and buys.
 *  2. The target run: 30 replications × 20 open days of scenarios/demo-dealership.json, scheduler
 *     replanning every 60 simulated minutes (the scenario default), on worker threads. Wall time,
 *     simulated events per second, peak memory (maxRSS of the process: worker threads included).
 *  3. The HTTP server is not blocked: the real app in this process (demo workshop loaded, routes as
 *     in production plus the simulation routes), latency of GET availability (14 days) and /healthz
 *     measured without and with a 30 × 20 simulation job running (started through POST).
 *
 *   npm run bench:simulation -- [--replications 30] [--days 20] [--requests 300] [--skip-budget]
 */
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { resourceUsage } from 'node:process';
import pino from 'pino';
import { DateTime } from 'luxon';
import { readScenarioFile, loadScenario } from '../src/app/demo.js';
import { runSimulation } from '../src/app/simulations.js';
import { createContext, newId, systemClock, type AppContext } from '../src/app/context.js';
import { createApp } from '../src/http/app.js';
import { openSqliteStore } from '../src/store/sqlite.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const REPS = arg('replications', 30);
const DAYS = arg('days', 20);
const REQUESTS = arg('requests', 300);
const FILE = 'scenarios/demo-dealership.json';
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

const scenario = readScenarioFile(FILE);
console.log(`Simulation bench — ${scenario.name}; ${availableParallelism()} cores; node ${process.version}\n`);

// ---------------------------------------------------------------- 1. replan budget
if (!process.argv.includes('--skip-budget')) {
  console.log('1. Replan budget (4 replications × 10 days, worker threads)');
  console.log('   iterations/replan  wall s  replans  ms/replication-day  on-time %  turned away/day  overtime h/day');
  for (const it of [0, 10, 20, 60]) {
    const r = await runSimulation({ base: scenario, variants: [], days: 10, replications: 4, seed: 99, solverIterations: it });
    const k = r.base.kpis;
    console.log(
      `   ${String(it).padStart(18)}  ${(r.stats.wallMs / 1000).toFixed(1).padStart(6)}  ${String(r.stats.replans).padStart(7)}  ` +
        `${(r.stats.wallMs * r.stats.workers / 40).toFixed(0).padStart(18)}  ${(k.onTimeRate.mean * 100).toFixed(1).padStart(9)}  ` +
        `${k.turnedAwayPerDay.mean.toFixed(2).padStart(15)}  ${k.overtimeHoursPerDay.mean.toFixed(2).padStart(14)}`,
    );
  }
  console.log();
}

// ---------------------------------------------------------------- 2. the target run
console.log(`2. ${REPS} replications × ${DAYS} days, replan every ${scenario.simulation?.replanEveryMinutes ?? 60} simulated minutes (30 local-search iterations per warm-started replan, the default)`);
const run = await runSimulation({ base: scenario, variants: [], days: DAYS, replications: REPS, seed: 1 });
const maxRss = resourceUsage().maxRSS * 1024;
console.log(`   wall ${(run.stats.wallMs / 1000).toFixed(1)} s on ${run.stats.workers} worker threads (target ≤ 20 s)`);
console.log(`   ${run.stats.events.toLocaleString('en')} events, ${Math.round(run.stats.eventsPerSecond).toLocaleString('en')} events/s; ${run.stats.replans} replans, ${run.stats.quotes} promises`);
console.log(`   peak memory: maxRSS ${mb(maxRss)} (process incl. worker threads), sampled RSS peak ${mb(peakRss)}`);
console.log(`   booking: ${scenario.simulation?.booking ?? 'availability'} (the service's policy); on-time ${(run.base.kpis.onTimeRate.mean * 100).toFixed(1)} ± ${(run.base.kpis.onTimeRate.halfWidth! * 100).toFixed(1)} %, utilisation ${(run.base.kpis.technicianUtilisation.mean * 100).toFixed(1)} %, turned away ${(run.base.kpis.turnedAwayShare.mean * 100).toFixed(1)} %`);
// the same run with the faster approximate booking (gap insertion, existing promises not protected)
const fast = await runSimulation({ base: { ...scenario, simulation: { replanEveryMinutes: 60, promiseSamples: 64, ...scenario.simulation, booking: 'insertion' } }, variants: [], days: DAYS, replications: REPS, seed: 1 });
console.log(`   booking: insertion (approximation): wall ${(fast.stats.wallMs / 1000).toFixed(1)} s, ${Math.round(fast.stats.eventsPerSecond).toLocaleString('en')} events/s; on-time ${(fast.base.kpis.onTimeRate.mean * 100).toFixed(1)} %, utilisation ${(fast.base.kpis.technicianUtilisation.mean * 100).toFixed(1)} %, turned away ${(fast.base.kpis.turnedAwayShare.mean * 100).toFixed(1)} %\n`);

// ---------------------------------------------------------------- 3. latency with and without a job
console.log(`3. Endpoint latency, ${REQUESTS} requests each at concurrency 4 (real app in-process, demo workshop)`);
const store = openSqliteStore(':memory:');
const ctx: AppContext = createContext({ store, clock: systemClock, newId, solverTimeLimitMs: 500 });
const w = await loadScenario(ctx, scenario, { withBookings: true });
const { app } = createApp({ ctx, logger: pino({ level: 'silent' }) });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const from = DateTime.now().setZone(scenario.workshop.timeZone).toISODate()!;
const to = DateTime.now().setZone(scenario.workshop.timeZone).plus({ days: 13 }).toISODate()!;
const targets = {
  'GET availability 14 days': `/v1/workshops/${w.id}/availability?from=${from}&to=${to}&opCodes=INSP-MINOR,BRK-PADS-F&waiter=false`,
  'GET /healthz': '/healthz',
};

async function measure(path: string, n: number): Promise<{ p50: number; p99: number; max: number }> {
  const lat: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const t = performance.now();
      const res = await fetch(base + path);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      lat.push(performance.now() - t);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)];
  return { p50: q(0.5), p99: q(0.99), max: lat[lat.length - 1] };
}
const fmt = (x: { p50: number; p99: number; max: number }) => `p50 ${x.p50.toFixed(1)} ms  p99 ${x.p99.toFixed(1)} ms  max ${x.max.toFixed(1)} ms`;

for (const path of Object.values(targets)) await measure(path, 50); // warm-up (caches, JIT)
const idle: Record<string, string> = {};
for (const [name, path] of Object.entries(targets)) idle[name] = fmt(await measure(path, REQUESTS));

const post = await fetch(base + '/v1/scenarios/simulations', {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ scenario: 'demo-dealership', days: DAYS, replications: REPS }),
});
const job = (await post.json()) as { id: string };
if (post.status !== 202) throw new Error(`POST simulation: ${post.status} ${JSON.stringify(job)}`);
await new Promise((r) => setTimeout(r, 1500)); // workers started and busy
const busy: Record<string, string> = {};
for (const [name, path] of Object.entries(targets)) busy[name] = fmt(await measure(path, REQUESTS));
const status = (await (await fetch(`${base}/v1/scenarios/simulations/${job.id}`)).json()) as { status: string; progress: number };
for (const name of Object.keys(targets)) {
  console.log(`   ${name.padEnd(26)} idle:        ${idle[name]}`);
  console.log(`   ${''.padEnd(26)} simulating:  ${busy[name]}`);
}
console.log(`   (the job was ${status.status}, ${(status.progress * 100).toFixed(0)}% done, when the measurement ended)`);
await fetch(`${base}/v1/scenarios/simulations/${job.id}`, { method: 'DELETE' });
server.closeAllConnections();
server.close();
clearInterval(sampler);
