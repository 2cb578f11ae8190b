/**
 * Simulation-job capacity bench: the service in its own process (tsx src/main.ts, empty store on
 * a temporary DATA_PATH); N simulation jobs of the demo dealership are POSTed at once. Prints the
 * answers (202 running / 202 queued / 429), the service's RSS while they run (sampled from
 * /proc/<pid>/status, worker threads included) and its peak (VmHWM), the worst /healthz latency
 * while they run against a /healthz baseline measured before in the same run, and the RSS after
 * every job was DELETEd.
 *
 *   npx tsx bench/simulation-jobs.ts [--jobs 12] [--days 20] [--replications 30] [--seconds 8]
 */
import { readFileSync } from 'node:fs';
import { startService } from './service.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const JOBS = arg('jobs', 12);
const DAYS = arg('days', 20);
const REPS = arg('replications', 30);
const SECONDS = arg('seconds', 8);

const memOf = (pid: number) => {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
};

async function healthz(url: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(`${url}/healthz`);
  await r.text();
  return performance.now() - t0;
}

async function main() {
  const svc = await startService({ DEMO: 'false' }, { name: 'simjobs' });
  const url = svc.url;
  try {
    const pid = svc.pid;
    for (let i = 0; i < 50; i++) await healthz(url); // warm-up
    const base: number[] = [];
    for (let i = 0; i < 200; i++) base.push(await healthz(url));
    base.sort((a, b) => a - b);
    const idle = memOf(pid);
    console.log(`Simulation jobs bench: ${JOBS} jobs of demo-dealership (${DAYS} days × ${REPS} replications) posted at once`);
    console.log(`baseline /healthz (idle, 200 requests): p50 ${base[100].toFixed(2)} ms, max ${base[199].toFixed(2)} ms; idle RSS ${idle.rssMb.toFixed(0)} MB`);

    const posted = await Promise.all(
      Array.from({ length: JOBS }, () =>
        fetch(`${url}/v1/scenarios/simulations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ scenario: 'demo-dealership', days: DAYS, replications: REPS }),
        }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { id?: string; status?: string; queuePosition?: number } })),
      ),
    );
    const tally = new Map<string, number>();
    for (const p of posted) {
      const k = p.status === 202 ? `202 ${p.body.status}` : `${p.status}${p.retryAfter ? ` (Retry-After ${p.retryAfter})` : ''}`;
      tally.set(k, (tally.get(k) ?? 0) + 1);
    }
    console.log(`answers: ${[...tally].map(([k, n]) => `${n} × ${k}`).join(', ')}`);

    let worst = 0;
    let maxRss = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < SECONDS * 1000) {
      worst = Math.max(worst, await healthz(url));
      maxRss = Math.max(maxRss, memOf(pid).rssMb);
      await new Promise((r) => setTimeout(r, 100));
    }
    const during = memOf(pid);
    console.log(`while running (${SECONDS} s): max RSS ${maxRss.toFixed(0)} MB, peak RSS (VmHWM) ${during.peakMb.toFixed(0)} MB; worst /healthz ${worst.toFixed(1)} ms`);

    const ids = posted.filter((p) => p.status === 202).map((p) => p.body.id!);
    const statuses = await Promise.all(ids.map(async (id) => ((await (await fetch(`${url}/v1/scenarios/simulations/${id}`)).json()) as { status: string }).status));
    const st = new Map<string, number>();
    for (const s of statuses) st.set(s, (st.get(s) ?? 0) + 1);
    console.log(`job statuses after ${SECONDS} s: ${[...st].map(([k, n]) => `${n} ${k}`).join(', ')}`);
    const del = await Promise.all(ids.map(async (id) => ((await (await fetch(`${url}/v1/scenarios/simulations/${id}`, { method: 'DELETE' })).json()) as { status: string }).status));
    await new Promise((r) => setTimeout(r, 1500));
    const after = memOf(pid);
    console.log(`after DELETE of all ${ids.length} (${del.filter((s) => s === 'cancelled').length} cancelled) + 1.5 s: RSS ${after.rssMb.toFixed(0)} MB`);
  } finally {
    await svc.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
