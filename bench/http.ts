/**
 * HTTP benchmark (autocannon): the service runs in its own process on the demo workshop; after a
 * warm-up, several rounds measure a trivial endpoint (/healthz, the same server's baseline),
 * 14-day availability and a quote. Prints latency percentiles, throughput and the ratio to the
 * baseline measured in the same run; fails loudly on any non-2xx.
 *
 *   npx tsx bench/http.ts [--rounds 3] [--duration 10] [--connections 10]
 */
import autocannon from 'autocannon';
import { startService } from './service.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROUNDS = arg('rounds', 3);
const DURATION = arg('duration', 10);
const CONNECTIONS = arg('connections', 10);

interface Row {
  name: string;
  round: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  rps: number;
  non2xx: number;
  errors: number;
}

async function run(name: string, opts: autocannon.Options, round: number): Promise<Row> {
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts });
  return {
    name,
    round,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    rps: r.requests.average,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

async function main() {
  // the setting: the demo workshop with about 200 booked appointments
  const svc = await startService({ DEMO: 'true', DEMO_BOOKING_FILL: process.env.DEMO_BOOKING_FILL ?? '0.55' }, { name: 'http' });
  try {
    const ws = (await (await fetch(`${svc.url}/v1/workshops`)).json()) as { items: { id: string; timeZone: string }[] };
    const wid = ws.items[0].id;
    const booked = (await (await fetch(`${svc.url}/v1/workshops/${wid}/appointments?limit=1&status=booked`)).json()) as { total: number };
    const now = new Date();
    const from = now.toISOString().slice(0, 10);
    const to = new Date(now.getTime() + 13 * 86400_000).toISOString().slice(0, 10);
    const tomorrow = new Date(now.getTime() + 86400_000).toISOString().slice(0, 10);
    const targets: { name: string; opts: autocannon.Options }[] = [
      { name: 'GET /healthz (baseline)', opts: { url: `${svc.url}/healthz` } },
      {
        name: 'GET availability 14 days',
        opts: { url: `${svc.url}/v1/workshops/${wid}/availability?from=${from}&to=${to}&opCodes=INSP-MINOR,BRK-PADS-F&waiter=false` },
      },
      {
        name: 'POST quote',
        opts: {
          url: `${svc.url}/v1/workshops/${wid}/quotes`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ plannedArrival: `${tomorrow}T09:00:00+01:00`, operations: [{ opCode: 'INSP-MINOR' }, { opCode: 'BRK-PADS-F' }], transport: 'drop_off' }),
        },
      },
    ];
    console.log(`Baywise HTTP bench: demo workshop with ${booked.total} booked appointments; ${ROUNDS} rounds × ${DURATION}s, ${CONNECTIONS} connections`);
    // warm-up: compiles the model, plans, fills caches, JIT
    for (const t of targets) await autocannon({ ...t.opts, connections: 2, duration: 3 });
    const rows: Row[] = [];
    for (let round = 1; round <= ROUNDS; round++) for (const t of targets) rows.push(await run(t.name, t.opts, round));
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log('\nendpoint                      round   p50 ms   p90 ms   p99 ms   max ms      req/s   non-2xx  errors');
    for (const r of rows)
      console.log(
        `${r.name.padEnd(30)}${String(r.round).padStart(5)}${r.p50.toFixed(1).padStart(9)}${r.p90.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${r.max.toFixed(1).padStart(9)}${r.rps.toFixed(0).padStart(11)}${String(r.non2xx).padStart(10)}${String(r.errors).padStart(8)}`,
      );
    const by = (n: string) => rows.filter((r) => r.name === n);
    const base = med(by(targets[0].name).map((r) => r.rps));
    console.log('\nsummary (median over rounds)');
    for (const t of targets) {
      const rs = by(t.name);
      console.log(
        `  ${t.name.padEnd(30)} p99 ${med(rs.map((r) => r.p99)).toFixed(1)} ms, ${med(rs.map((r) => r.rps)).toFixed(0)} req/s = ${(med(rs.map((r) => r.rps)) / base).toFixed(3)} × baseline, non-2xx ${rs.reduce((a, r) => a + r.non2xx, 0)}`,
      );
    }
    const bad = rows.reduce((a, r) => a + r.non2xx + r.errors, 0);
    if (bad > 0) {
      console.error(`\n${bad} non-2xx responses or errors`);
      process.exitCode = 1;
    }
  } finally {
    await svc.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
