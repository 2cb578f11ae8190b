/**
 * Black-box promise replay: the real service in its own process, driven through HTTP in simulated
 * time (CLIENT_CLOCK=true: every request carries `asOf`, every floor event its `at`), exactly as a
 * workshop's systems would drive it. Two workshops (the demo dealership and the small independent
 * garage) × two truths of job durations the catalogue does not know (the scenario's own, and a
 * slower, more variable one) × the targets (targetOnTime set by PATCH): customers book 0–5 days
 * ahead through the capacity-checked booking (about 30% waiters, 20% same-day calls), the floor
 * follows the service's plan and reports every job-clock event, the first days are a warm-up of
 * job clocks for the duration model. See bench/replay/run.ts for the floor and booking rules,
 * bench/replay/world.ts for demand and truths.
 *
 * Scores, per run and segment (waiter / drop-off × quoted the same day / days ahead): on-time
 * (ready — the event that makes the order ready — no later than the promise) with Wilson 95%
 * intervals; median and mean promised lead (promise − planned arrival) vs actual lead (ready −
 * planned arrival) and vs the industry's fixed rule (rules/promise.ts fixedRulePromise) on the same
 * vehicles; refusals (409 on the wanted slot; turned away); 5xx (must be 0); the at-risk list's
 * reliability (polled each morning at threshold 0.999, flags binned by predicted miss 1 − p,
 * observed miss rate per bin). A digest of every car's outcome checks reproducibility: same seed,
 * same digest (--twice runs everything again on fresh workshops of the same service and compares).
 *
 *   npx tsx bench/replay.ts [--days N (default 15 dealership, 40 garage)] [--warmup 3] [--drain 3]
 *     [--seed 1] [--targets 0.8,0.9,0.95] [--workshops dealership,garage] [--truths scenario,slow]
 *     [--load 1] [--iterations 2000] [--parallel 2] [--same-day 0.2] [--waiters 0.3]
 *     [--max-run-minutes 30] [--quick] [--twice] [--json out.json] [--verbose]
 *
 * --quick: 6 days, target 0.9, the scenario truth, the dealership at 0.4 of its demand (~40 s).
 * Full run (defaults): 12 runs, ~28,000 requests, about 5–8 minutes on two cores (--twice: double). The dealership replays 0.7 of its
 * scenario demand (its full demand fills the 14 technicians); --load scales both workshops.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startService } from './service.js';
import { runReplay, type CarResult, type RunResult } from './replay/run.js';
import { mean, median, reliability, wilson, type ReliabilityRow } from './replay/stats.js';
import { readScenario, scenarioTruth, slowTruth, type Truth } from './replay/world.js';
import { roundUpToGrid } from '../src/domain/rules/promise.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: npx tsx bench/replay.ts [--days N] [--warmup N] [--drain N] [--seed N] [--targets 0.8,0.9,0.95]
  [--workshops dealership,garage] [--truths scenario,slow] [--load F] [--iterations N] [--parallel N]
  [--same-day F] [--waiters F] [--max-run-minutes N] [--quick] [--twice] [--json out.json] [--verbose]`;

const { values: o } = (() => {
  try {
    return parseArgs({
      options: {
        days: { type: 'string' },
        warmup: { type: 'string' },
        drain: { type: 'string' },
        seed: { type: 'string', default: '1' },
        targets: { type: 'string' },
        workshops: { type: 'string' },
        truths: { type: 'string' },
        load: { type: 'string', default: '1' },
        iterations: { type: 'string', default: '2000' },
        parallel: { type: 'string', default: '2' },
        'same-day': { type: 'string', default: '0.2' },
        'max-run-minutes': { type: 'string' },
        waiters: { type: 'string', default: '0.3' },
        quick: { type: 'boolean', default: false },
        twice: { type: 'boolean', default: false },
        json: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (e) {
    console.error(String((e as Error).message));
    console.error(USAGE);
    process.exit(2);
  }
})();
if (o.help) {
  console.log(USAGE);
  process.exit(0);
}
const num = (v: string | undefined, def: number, name: string) => {
  const x = v === undefined ? def : Number(v);
  if (!Number.isFinite(x)) {
    console.error(`--${name}: not a number: ${v}`);
    console.error(USAGE);
    process.exit(2);
  }
  return x;
};
const QUICK = o.quick;
/** demand days per workshop: --days sets both; by default the small garage runs longer (its runs are ~10× cheaper) so both score similar numbers of cars */
const daysOf = (w: string) => num(o.days, QUICK ? 6 : w === 'garage' ? 40 : 15, 'days');
const WARMUP = num(o.warmup, QUICK ? 2 : 3, 'warmup');
const DRAIN = num(o.drain, QUICK ? 2 : 3, 'drain');
const SEED = num(o.seed, 1, 'seed');
const TARGETS = (o.targets ?? (QUICK ? '0.9' : '0.8,0.9,0.95')).split(',').map((x) => num(x, NaN, 'targets'));
const LOAD = num(o.load, 1, 'load');
const ITERATIONS = num(o.iterations, 2000, 'iterations');
const PARALLEL = Math.max(1, Math.min(4, num(o.parallel, 2, 'parallel')));
const SAME_DAY = num(o['same-day'], 0.2, 'same-day');
const WAITERS = num(o.waiters, 0.3, 'waiters');
const START_DATE = '2027-03-01'; // a Monday; no closed date of either scenario in the next five weeks

const MAX_RUN_MINUTES = num(o['max-run-minutes'], 30, 'max-run-minutes');
const WORKSHOPS: Record<string, { file: string; load: number }> = {
  // the dealership's full demand (36–44 requests a weekday) fills 14 technicians: its replay is the long one
  dealership: { file: 'scenarios/demo-dealership.json', load: QUICK ? 0.4 : 0.7 },
  garage: { file: 'scenarios/small-independent-garage.json', load: 1 },
};
const TRUTHS: Record<string, (s: ReturnType<typeof readScenario>) => Truth> = { scenario: scenarioTruth, slow: slowTruth };
const wsNames = (o.workshops ?? 'dealership,garage').split(',');
const truthNames = (o.truths ?? (QUICK ? 'scenario' : 'scenario,slow')).split(',');
for (const w of wsNames) if (!WORKSHOPS[w]) (console.error(`unknown workshop ${w} (dealership, garage)`), process.exit(2));
for (const t of truthNames) if (!TRUTHS[t]) (console.error(`unknown truth ${t} (scenario, slow)`), process.exit(2));

// --- the service, in its own process (bench/service.ts) --------------------------------------------
const serviceEnv = () => ({
  HOST: '127.0.0.1',
  DEMO: 'false',
  CLIENT_CLOCK: 'true',
  SOLVER_MAX_ITERATIONS: String(ITERATIONS),
  ENGINE_THREADS: String(PARALLEL),
});

// --- scoring ------------------------------------------------------------------------------------------
interface SegmentScore {
  segment: string;
  n: number;
  onTime: number;
  rate: number;
  lo: number;
  hi: number;
  unfinished: number;
  promisedLeadMedian: number;
  promisedLeadMean: number;
  actualLeadMedian: number;
  actualLeadMean: number;
  sharpness: number;
  fixedOnTime: number;
  fixedLeadMedian: number;
  fixedLeadMean: number;
  /** median lead of the fixed rule shifted by one constant (5-minute grid) to reach this segment's on-time rate */
  fixedStretchedLeadMedian: number;
  quoteP50LeadMedian: number;
  plannedFinishLeadMedian: number;
}

const SEGMENTS: [string, (c: CarResult) => boolean][] = [
  ['all', () => true],
  ['waiter', (c) => c.waiter],
  ['drop-off', (c) => !c.waiter],
  ['waiter · same day', (c) => c.waiter && c.sameDay],
  ['waiter · days ahead', (c) => c.waiter && !c.sameDay],
  ['drop-off · same day', (c) => !c.waiter && c.sameDay],
  ['drop-off · days ahead', (c) => !c.waiter && !c.sameDay],
];

function score(cars: CarResult[]): SegmentScore[] {
  const min = (ms: number) => ms / 60_000;
  return SEGMENTS.map(([segment, f]) => {
    const xs = cars.filter((c) => c.scored && f(c));
    const done = xs.filter((c) => c.readyMs !== null);
    const k = done.filter((c) => c.readyMs! <= c.promiseMs).length;
    const w = wilson(k, xs.length);
    const pl = xs.map((c) => min(c.promiseMs - c.arrivalMs));
    const al = done.map((c) => min(c.readyMs! - c.arrivalMs));
    const fl = xs.map((c) => min(c.fixedMs - c.arrivalMs));
    // the fixed rule stretched to the same on-time rate: fixed + shift, the smallest shift (5-minute
    // grid) under which as many cars (k) are on time as under Baywise's promises
    const need = xs.map((c) => (c.readyMs === null ? Infinity : min(c.readyMs - c.fixedMs))).sort((a, b) => a - b);
    const shift = k > 0 && Number.isFinite(need[k - 1]) ? roundUpToGrid(need[k - 1]) : NaN;
    return {
      segment,
      n: xs.length,
      onTime: k,
      rate: xs.length ? k / xs.length : NaN,
      lo: w.lo,
      hi: w.hi,
      unfinished: xs.length - done.length,
      promisedLeadMedian: median(pl),
      promisedLeadMean: mean(pl),
      actualLeadMedian: median(al),
      actualLeadMean: mean(al),
      sharpness: median(pl) / median(al),
      fixedOnTime: xs.length ? done.filter((c) => c.readyMs! <= c.fixedMs).length / xs.length : NaN,
      fixedLeadMedian: median(fl),
      fixedLeadMean: mean(fl),
      fixedStretchedLeadMedian: median(fl) + shift,
      quoteP50LeadMedian: median(xs.filter((c) => c.quoteP50Ms !== null).map((c) => min(c.quoteP50Ms! - c.arrivalMs))),
      plannedFinishLeadMedian: median(xs.filter((c) => c.plannedFinishMs !== null).map((c) => min(c.plannedFinishMs! - c.arrivalMs))),
    };
  });
}

function riskTable(runs: RunResult[]): ReliabilityRow[] {
  const flags = runs.flatMap((r, ri) => {
    const outcome = new Map(r.cars.map((c) => [c.idx, c]));
    return r.flags
      .map((f) => ({ f, c: outcome.get(f.car) }))
      .filter((x) => x.c?.scored)
      .map(({ f, c }) => ({ predictedMiss: f.predictedMiss, missed: c!.readyMs === null || c!.readyMs > c!.promiseMs, car: ri * 1e6 + f.car }));
  });
  return reliability(flags);
}

function digest(runs: RunResult[]): string {
  const h = createHash('sha256');
  for (const r of [...runs].sort((a, b) => a.label.localeCompare(b.label))) {
    h.update(`${r.label}|${r.refusedFirst}|${r.turnedAway}|${r.noShows}\n`);
    for (const c of r.cars) h.update(`${c.idx},${c.arrivalMs},${c.promiseMs},${c.readyMs}\n`);
    for (const f of r.flags) h.update(`f${f.car},${f.morning},${f.predictedMiss.toFixed(4)}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

// --- printing -----------------------------------------------------------------------------------------
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—');
const mins = (x: number) => (Number.isFinite(x) ? `${Math.round(x)}` : '—');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function printRun(r: RunResult, seg: SegmentScore[]) {
  const t = r.tally;
  const fivexx = Object.entries(t.byStatus).filter(([k]) => Number(k) >= 500).reduce((a, [, v]) => a + v, 0);
  console.log(
    `\n${r.label}  (target ${r.target}; ${r.requests} requests, ${r.refusedFirst} refused at the wanted slot (409), ${r.turnedAway} turned away, ${r.noShows} no-shows; ` +
      `${t.requests} HTTP requests, 5xx ${fivexx}, unexpected 4xx ${t.unexpected.length}; ${(r.wallMs / 1000).toFixed(0)} s${r.stoppedEarly ? `; STOPPED: ${r.stoppedEarly}` : ''})`,
  );
  console.log(
    `  ${pad('segment', 22)}${lpad('n', 5)}${lpad('on time', 9)}  ${pad('(Wilson 95%)', 14)}${lpad('promised', 10)}${lpad('actual', 8)}${lpad('×', 6)}${lpad('fixed rule', 12)}${lpad('fixed', 7)}${lpad('stretched', 11)}   means: promised / actual / fixed   median quote p50 · planned finish lead`,
  );
  for (const s of seg) {
    if (!s.n) continue;
    console.log(
      `  ${pad(s.segment, 22)}${lpad(String(s.n), 5)}${lpad(pct(s.rate), 9)}  ${pad(`(${pct(s.lo)}–${pct(s.hi)})`, 14)}${lpad(mins(s.promisedLeadMedian), 10)}${lpad(mins(s.actualLeadMedian), 8)}${lpad(Number.isFinite(s.sharpness) ? s.sharpness.toFixed(1) : '—', 6)}` +
        `${lpad(pct(s.fixedOnTime), 12)}${lpad(mins(s.fixedLeadMedian), 7)}${lpad(mins(s.fixedStretchedLeadMedian), 11)}   ${mins(s.promisedLeadMean)} / ${mins(s.actualLeadMean)} / ${mins(s.fixedLeadMean)}${s.unfinished ? ` (${s.unfinished} unfinished)` : ''}   ${mins(s.quoteP50LeadMedian)} · ${mins(s.plannedFinishLeadMedian)}`,
    );
  }
  for (const u of [...t.serverErrors, ...t.unexpected].slice(0, 5)) console.log(`  ! ${u.status} ${u.method} ${u.path}: ${u.detail}`);
}

function printRisk(title: string, rows: ReliabilityRow[]) {
  console.log(`\nat-risk reliability, ${title}: flags (car × morning) by predicted miss 1 − p`);
  console.log(`  ${pad('1 − p', 12)}${lpad('flags', 7)}${lpad('cars', 6)}${lpad('predicted', 11)}${lpad('observed', 10)}  (Wilson 95%)`);
  for (const r of rows) if (r.flags) console.log(`  ${pad(r.bin, 12)}${lpad(String(r.flags), 7)}${lpad(String(r.cars), 6)}${lpad(pct(r.meanPredicted), 11)}${lpad(pct(r.observed), 10)}  (${pct(r.lo)}–${pct(r.hi)})`);
}

/** Whether the target lies inside the Wilson 95% interval overall, for waiters and for drop-offs (what the sample can tell). */
function consistent(r: RunResult, seg: SegmentScore[]): boolean {
  return ['all', 'waiter', 'drop-off'].every((n) => {
    const s = seg.find((x) => x.segment === n)!;
    return !s.n || (s.lo <= r.target && r.target <= s.hi);
  });
}

/** The issue's "done when" on this run: point estimates within ±2 (overall) and ±3 points (waiters, drop-offs), sharpness ≤ 2, no 5xx. */
function verdict(r: RunResult, seg: SegmentScore[]): string[] {
  const out: string[] = [];
  const by = (n: string) => seg.find((s) => s.segment === n)!;
  const all = by('all');
  const near = (s: SegmentScore, tol: number) => (s.n ? Math.abs(s.rate - r.target) <= tol : true);
  if (!near(all, 0.02)) out.push(`overall ${pct(all.rate)} not within ±2 points of ${r.target}`);
  for (const n of ['waiter', 'drop-off']) if (!near(by(n), 0.03)) out.push(`${n} ${pct(by(n).rate)} not within ±3 points`);
  if (!(all.sharpness <= 2)) out.push(`median promised lead ${mins(all.promisedLeadMedian)} > 2 × median actual ${mins(all.actualLeadMedian)}`);
  const fivexx = Object.entries(r.tally.byStatus).filter(([k]) => Number(k) >= 500).reduce((a, [, v]) => a + v, 0);
  if (fivexx) out.push(`${fivexx} 5xx`);
  return out;
}

// --- main ---------------------------------------------------------------------------------------------
interface Pass {
  runs: RunResult[];
  wallMs: number;
  baselineMs: number;
  rssPeakMb: number;
}

/** Every run, `passes` times over on one service (each pass on fresh workshops: a deterministic service answers a pass as the first). */
async function replayAll(passes: number): Promise<Pass[]> {
  if (process.cwd() !== repoRoot) process.chdir(repoRoot); // the service starts from src/main.ts
  const svc = await startService(serviceEnv(), { name: 'replay' });
  const out: Pass[] = [];
  try {
    for (let pass = 1; pass <= passes; pass++) out.push(await replayPass(svc, pass));
    return out;
  } finally {
    await svc.stop();
  }
}

async function replayPass(svc: { url: string; rssPeakMb(): number }, pass: number): Promise<Pass> {
  const t0 = performance.now();
  {
    // the same server's trivial endpoint, for scale: mean /healthz latency over 50 calls
    const h0 = performance.now();
    for (let i = 0; i < 50; i++) await (await fetch(`${svc.url}/healthz`)).arrayBuffer();
    const baselineMs = (performance.now() - h0) / 50;
    const jobs: (() => Promise<RunResult>)[] = [];
    for (const w of wsNames) {
      const s = readScenario(resolve(repoRoot, WORKSHOPS[w].file));
      for (const tn of truthNames)
        for (const target of TARGETS) {
          const truth = TRUTHS[tn](s);
          const label = `${w} · ${tn} truth · ${target}`;
          jobs.push(() =>
            runReplay({
              base: svc.url,
              scenario: s,
              label,
              truth,
              target,
              startDate: START_DATE,
              days: daysOf(w),
              warmup: WARMUP,
              drainDays: DRAIN,
              maxWallMs: MAX_RUN_MINUTES * 60_000,
              demand: { seed: SEED, days: daysOf(w), load: LOAD * WORKSHOPS[w].load, waiterShare: WAITERS, sameDayShare: SAME_DAY, maxLeadDays: 5 },
              maxRequests: 60_000,
              log: o.verbose ? (x) => console.error(x) : undefined,
            }),
          );
        }
    }
    const runs: RunResult[] = new Array(jobs.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, jobs.length) }, async () => {
        while (next < jobs.length) {
          const i = next++;
          runs[i] = await jobs[i]();
          console.error(`[pass ${pass}] done ${runs[i].label}: ${(runs[i].wallMs / 1000).toFixed(0)} s, ${runs[i].tally.requests} requests`);
        }
      }),
    );
    return { runs, wallMs: performance.now() - t0, baselineMs, rssPeakMb: svc.rssPeakMb() };
  }
}

async function main() {
  console.log(
    `Baywise black-box replay: ${wsNames.join(', ')} × truths ${truthNames.join(', ')} × targets ${TARGETS.join(', ')}; ` +
      `${wsNames.map((w) => `${daysOf(w)} (${w})`).join(' / ')} demand days from ${START_DATE} (first ${WARMUP} warm-up, not scored) + ${DRAIN} drain days; seed ${SEED}; ` +
      `SOLVER_MAX_ITERATIONS=${ITERATIONS}; ${PARALLEL} runs at a time`,
  );
  const passes = await replayAll(o.twice ? 2 : 1);
  const first = passes[0];
  const scores = first.runs.map((r) => score(r.cars));
  first.runs.forEach((r, i) => printRun(r, scores[i]));
  for (const w of wsNames) printRisk(w, riskTable(first.runs.filter((r) => r.label.startsWith(w + ' '))));
  printRisk('all runs', riskTable(first.runs));

  console.log('\nsummary (all scored vehicles of each run)');
  console.log(`  ${pad('run', 34)}${lpad('n', 5)}${lpad('on time', 9)}  ${pad('(Wilson 95%)', 14)}${lpad('waiter', 8)}${lpad('drop-off', 10)}${lpad('promised', 10)}${lpad('actual', 8)}${lpad('fixed', 8)}${lpad('fixed lead', 12)}${lpad('409', 6)}${lpad('5xx', 5)}  target in CI · issue's bar`);
  const failures: string[] = [];
  first.runs.forEach((r, i) => {
    const s = scores[i];
    const all = s[0];
    const v = verdict(r, s);
    if (v.length) failures.push(`${r.label}: ${v.join('; ')}`);
    const fivexx = Object.entries(r.tally.byStatus).filter(([k]) => Number(k) >= 500).reduce((a, [, x]) => a + x, 0);
    console.log(
      `  ${pad(r.label, 34)}${lpad(String(all.n), 5)}${lpad(pct(all.rate), 9)}  ${pad(`(${pct(all.lo)}–${pct(all.hi)})`, 14)}${lpad(pct(s[1].rate), 8)}${lpad(pct(s[2].rate), 10)}` +
        `${lpad(mins(all.promisedLeadMedian), 10)}${lpad(mins(all.actualLeadMedian), 8)}${lpad(pct(all.fixedOnTime), 8)}${lpad(mins(all.fixedLeadMedian), 12)}${lpad(String(r.refusedFirst), 6)}${lpad(String(fivexx), 5)}  ${consistent(r, s) ? 'yes' : 'NO '}          · ${v.length ? 'FAIL' : 'ok'}`,
    );
  });
  const totalReq = first.runs.reduce((a, r) => a + r.tally.requests, 0);
  const d1 = digest(first.runs);
  console.log(
    `\n${first.runs.length} runs, ${totalReq} HTTP requests in ${(first.wallMs / 1000).toFixed(0)} s (mean ${(first.runs.reduce((a, r) => a + r.tally.ms, 0) / totalReq).toFixed(1)} ms a request; /healthz ${first.baselineMs.toFixed(2)} ms in the same service; service peak RSS ${first.rssPeakMb} MB); digest ${d1}`,
  );
  if (failures.length) console.log(`\nnot yet as the issue asks (±2 points overall, ±3 for waiters and drop-offs, median promised ≤ 2 × median actual lead, no 5xx):\n  ${failures.join('\n  ')}`);
  let repro: { digest2: string; same: boolean } | undefined;
  if (o.twice) {
    const second = passes[1];
    const d2 = digest(second.runs);
    repro = { digest2: d2, same: d1 === d2 };
    console.log(`\nreproducibility: a second pass on fresh workshops of the same service: digest ${d2}: ${d1 === d2 ? 'identical' : 'DIFFERENT'}`);
    if (d1 !== d2)
      second.runs.forEach((r, i) => {
        const a = score(first.runs[i].cars)[0];
        const b = score(r.cars)[0];
        console.log(`  ${pad(r.label, 34)} ${pct(a.rate)} → ${pct(b.rate)}, promised ${mins(a.promisedLeadMedian)} → ${mins(b.promisedLeadMedian)}, n ${a.n} → ${b.n}`);
      });
  }
  if (o.json) {
    writeFileSync(
      o.json,
      JSON.stringify(
        {
          options: { days: Object.fromEntries(wsNames.map((w) => [w, daysOf(w)])), warmup: WARMUP, drain: DRAIN, seed: SEED, targets: TARGETS, workshops: wsNames, truths: truthNames, load: LOAD, iterations: ITERATIONS, startDate: START_DATE },
          digest: d1,
          reproducibility: repro,
          wallMs: first.wallMs,
          healthzMs: first.baselineMs,
          runs: first.runs.map((r, i) => ({
            label: r.label,
            workshop: r.workshop,
            truth: r.truth,
            target: r.target,
            requests: r.requests,
            refusedFirst: r.refusedFirst,
            turnedAway: r.turnedAway,
            noShows: r.noShows,
            unfinished: r.unfinished,
            http: { requests: r.tally.requests, byStatus: r.tally.byStatus, serverErrors: r.tally.serverErrors, unexpected: r.tally.unexpected.slice(0, 50), meanMs: r.tally.ms / r.tally.requests },
            wallMs: r.wallMs,
            stoppedEarly: r.stoppedEarly,
            segments: scores[i],
            atRisk: riskTable([r]),
            verdict: verdict(r, scores[i]),
            targetInInterval: consistent(r, scores[i]),
          })),
          atRisk: Object.fromEntries([...wsNames.map((w) => [w, riskTable(first.runs.filter((r) => r.label.startsWith(w + ' ')))]), ['all', riskTable(first.runs)]]),
        },
        null,
        1,
      ),
    );
    console.log(`\nwrote ${o.json}`);
  }
  const bad = first.runs.some((r) => r.tally.serverErrors.length || Object.keys(r.tally.byStatus).some((k) => Number(k) >= 500));
  if (bad || (repro && !repro.same)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
