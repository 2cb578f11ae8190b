/**
 * Demo start-up benchmark: how long an empty store takes to load the demo dealership (the
 * workshop plus its book of appointments), and what the loaded book looks like to the at-risk
 * list. Each round starts the real server in-process (DEMO=true, DATA_PATH :memory:, the real
 * clock), then measures GET /healthz on the same server as the baseline of the same run, and
 * the at-risk list at load and after a full replan of the loaded book.
 *
 *   npx tsx bench/demo.ts [--rounds 3]        (DEMO_BOOKING_FILL=0.8 to ask for another share of the demand)
 */
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i > 0 ? Number(process.argv[i + 1]) : 3;

const get = async (url: string) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json() as Promise<any>;
};

console.log(`Demo start-up, ${ROUNDS} rounds (empty :memory: store, real clock ${new Date().toISOString()})`);
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now();
  const h = await startServer(loadConfig({ PORT: '0', DATA_PATH: ':memory:', DEMO: 'true', LOG_LEVEL: 'silent', ...(process.env.DEMO_BOOKING_FILL ? { DEMO_BOOKING_FILL: process.env.DEMO_BOOKING_FILL } : {}) }), { logger: pino({ level: 'silent' }) });
  const startMs = performance.now() - t0;
  const hz: number[] = [];
  for (let k = 0; k < 20; k++) {
    const t = performance.now();
    await get(h.url + '/healthz');
    hz.push(performance.now() - t);
  }
  hz.sort((a, b) => a - b);
  const ws = (await get(h.url + '/v1/workshops')).items[0];
  const apts = await get(`${h.url}/v1/workshops/${ws.id}/appointments?limit=500`);
  const t1 = performance.now();
  const risk = await get(`${h.url}/v1/workshops/${ws.id}/at-risk`);
  const riskMs = performance.now() - t1;
  const zero = risk.items.filter((x: { probabilityOnTime: number }) => x.probabilityOnTime === 0).length;
  console.log(
    `  round ${r + 1}: start-up ${(startMs / 1000).toFixed(2)} s (GET /healthz p50 ${hz[10].toFixed(1)} ms); ${apts.total} appointments; ` +
      `at-risk: ${risk.items.length} of ${risk.checked} due within 3 days below ${risk.threshold}, ${zero} at probability 0 (${riskMs.toFixed(0)} ms)`,
  );
  // what the next replan (a floor event, POST /plan, or the plan's age) makes of the same book
  const tp = performance.now();
  const plan = await fetch(`${h.url}/v1/workshops/${ws.id}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"timeLimitMs": 2000}' });
  if (!plan.ok) throw new Error(`POST plan: ${plan.status}`);
  const replanned = (await plan.json()) as { stats: { converged: string | null } };
  const replanS = ((performance.now() - tp) / 1000).toFixed(1);
  const after = await get(`${h.url}/v1/workshops/${ws.id}/at-risk`);
  const worst = after.items.length ? Math.min(...after.items.map((x: { probabilityOnTime: number }) => x.probabilityOnTime)) : null;
  console.log(`           after a full replan (${replanS} s, ${replanned.stats.converged ?? 'budget of 2 s'}): ${after.items.length} of ${after.checked} below ${after.threshold}${worst === null ? '' : `, lowest ${worst}`}`);
  await h.close();
}
