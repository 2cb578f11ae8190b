/**
 * Queueing engine bench: approximation accuracy against the simulator, time per formula
 * evaluation, and PSA vs MOL vs ODE vs simulation on peaked mornings.
 *
 *   npx tsx bench/queueing.ts            full run (~2 minutes on a shared 2-core machine)
 *   npx tsx bench/queueing.ts --quick    10× fewer simulated customers and repetitions
 *
 * Grid: servers c ∈ {1,2,5,12,20} × load ρ ∈ {0.5,0.7,0.85,0.95} × SERVICE COEFFICIENT OF
 * VARIATION cs ∈ {0,0.5,1,2} (cv, not the squared cv). Poisson arrivals; service deterministic
 * (cs = 0), exponential (cs = 1) or lognormal (cs = 0.5, 2) with mean 1 minute, so Wq is in
 * units of the mean service time. Formula per cell: cs = 0 Cosmetatos M/D/c, cs = 1 exact M/M/c,
 * otherwise Kimura M/G/c; Allen–Cunneen and Whitt are shown beside it.
 */
import {
  mgc,
  mmc,
  mmcCore,
  mmck,
  simulateQueue,
  timeVarying,
  wqAllenCunneen,
  wqMdcCosmetatos,
  wqMgcKimura,
  wqMmc,
  wqWhitt,
} from '../src/domain/queueing/index.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const t00 = performance.now();

const pad = (s: string | number, n: number) => String(s).padStart(n);
const f = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

// ---------------------------------------------------------------- accuracy grid
console.log(`\n== Approximation vs simulation (Wq in mean-service units; DES: 10 replications, first 20% of each discarded, 95% t-interval)${quick ? ' [quick]' : ''}`);
console.log(
  `${pad('c', 3)} ${pad('ρ', 5)} ${pad('cs', 4)} ${pad('formula', 11)} ${pad('Wq approx', 10)} ${pad('Wq DES', 10)} ${pad('±95%', 9)} ${pad('inside', 6)} ${pad('rel.err', 8)} ${pad('AC err', 8)} ${pad('Whitt err', 9)} ${pad('customers', 10)}`,
);
type Row = { wq: number; c: number; rho: number; cs: number; method: string; rel: number; inside: boolean; ac: number; whitt: number; within10: boolean };
const rows: Row[] = [];
const tGrid = performance.now();
for (const c of [1, 2, 5, 12, 20]) {
  for (const rho of [0.5, 0.7, 0.85, 0.95]) {
    for (const cs of [0, 0.5, 1, 2]) {
      const lambda = rho * c;
      const cs2 = cs * cs;
      const method = cs === 0 ? 'cosmetatos' : cs === 1 ? 'exact M/M/c' : 'kimura';
      const approx = cs === 0 ? wqMdcCosmetatos(lambda, 1, c) : cs === 1 ? wqMmc(lambda, 1, c) : wqMgcKimura(lambda, 1, c, cs2);
      const ac = wqAllenCunneen(lambda, 1, c, 1, cs2);
      const wh = wqWhitt(lambda, 1, c, 1, cs2);
      const customers = Math.round(scale * Math.min(6e6, Math.max(3e5, (3e5 * (1 + cs2)) / ((1 - rho) * (1 - rho)))));
      const horizon = customers / lambda / 10;
      const sim = simulateQueue(
        {
          servers: c,
          arrivals: { rate: lambda },
          service: cs === 0 ? { mean: 1, distribution: 'deterministic' } : cs === 1 ? { mean: 1 } : { mean: 1, cv: cs, distribution: 'lognormal' },
        },
        { horizon, warmup: 0.2 * horizon, replications: 10, seed: c * 1000 + rho * 100 + cs * 10 },
      );
      const w = sim.meanWait;
      const inside = approx >= w.lower! && approx <= w.upper!;
      const rel = (approx - w.mean) / w.mean;
      const row: Row = { wq: w.mean, c, rho, cs, method, rel, inside, ac: (ac - w.mean) / w.mean, whitt: (wh - w.mean) / w.mean, within10: Math.abs(rel) <= 0.1 };
      rows.push(row);
      console.log(
        `${pad(c, 3)} ${pad(rho, 5)} ${pad(cs, 4)} ${pad(method, 11)} ${pad(f(approx), 10)} ${pad(f(w.mean), 10)} ${pad(f(w.halfWidth!), 9)} ${pad(inside ? 'yes' : 'no', 6)} ${pad(pct(rel), 8)} ${pad(pct(row.ac), 8)} ${pad(pct(row.whitt), 9)} ${pad(customers, 10)}`,
      );
    }
  }
}
const gridSec = (performance.now() - tGrid) / 1000;
const summarise = (label: string, rs: Row[], key: 'rel' | 'ac' | 'whitt' = 'rel') => {
  if (rs.length === 0) return;
  const abs = rs.map((r) => Math.abs(r[key]));
  const mean = abs.reduce((a, b) => a + b, 0) / abs.length;
  const max = Math.max(...abs);
  const inside = key === 'rel' ? ` inside CI ${rs.filter((r) => r.inside).length}/${rs.length} (${pct(rs.filter((r) => r.inside).length / rs.length)}),` : '';
  const w10 = abs.filter((x) => x <= 0.1).length;
  console.log(`  ${label.padEnd(38)}${inside} mean |err| ${pct(mean)}, max |err| ${pct(max)}, within 10%: ${w10}/${rs.length}`);
};
console.log(`\nSummary (grid simulated in ${gridSec.toFixed(1)} s):`);
summarise('all cells, formula of the cell', rows);
summarise('M/M/c exact (cs = 1; checks the DES)', rows.filter((r) => r.cs === 1));
summarise('Cosmetatos M/D/c (cs = 0)', rows.filter((r) => r.cs === 0));
summarise('Kimura M/G/c, cs = 0.5', rows.filter((r) => r.cs === 0.5));
summarise('Kimura M/G/c, cs = 2 (lognormal)', rows.filter((r) => r.cs === 2));
summarise('Allen–Cunneen, cs = 0', rows.filter((r) => r.cs === 0), 'ac');
summarise('Allen–Cunneen, cs = 0.5', rows.filter((r) => r.cs === 0.5), 'ac');
summarise('Allen–Cunneen, cs = 2', rows.filter((r) => r.cs === 2), 'ac');
summarise('Whitt (ca = 1), cs = 0', rows.filter((r) => r.cs === 0), 'whitt');
summarise('Whitt (ca = 1), cs = 0.5', rows.filter((r) => r.cs === 0.5), 'whitt');
summarise('Whitt (ca = 1), cs = 2', rows.filter((r) => r.cs === 2), 'whitt');
const approxRows = rows.filter((r) => r.cs !== 1);
summarise('approximations only (cs ≠ 1)', approxRows);
const relevant = approxRows.filter((r) => r.wq >= 0.01);
summarise('approximations, cells with Wq ≥ 1% of service', relevant);
summarise('  of which cs ≤ 0.5', relevant.filter((r) => r.cs <= 0.5));
summarise('  of which cs = 2', relevant.filter((r) => r.cs === 2));

// G/G/c spot checks (gamma arrivals)
console.log('\n== G/G/c spot checks (gamma interarrivals, lognormal service, mean service 1)');
console.log(`${pad('c', 3)} ${pad('ρ', 5)} ${pad('ca', 4)} ${pad('cs', 4)} ${pad('Whitt', 9)} ${pad('A–C', 9)} ${pad('DES', 9)} ${pad('±95%', 8)} ${pad('Whitt err', 9)} ${pad('AC err', 8)}`);
const ggRows: { w: number; a: number }[] = [];
for (const [c, rho, ca, cs] of [
  [1, 0.85, 0.5, 0.5],
  [5, 0.85, 0.5, 0.5],
  [5, 0.85, 1.5, 0.5],
  [12, 0.7, 0.5, 1],
  [12, 0.9, 1.5, 1],
  [20, 0.9, 0.7, 0.3],
]) {
  const lambda = rho * c;
  const w = wqWhitt(lambda, 1, c, ca * ca, cs * cs);
  const a = wqAllenCunneen(lambda, 1, c, ca * ca, cs * cs);
  const customers = Math.round(scale * 4e6);
  const horizon = customers / lambda / 10;
  const sim = simulateQueue(
    { servers: c, arrivals: { rate: lambda, cv: ca, distribution: 'gamma' }, service: { mean: 1, cv: cs, distribution: 'lognormal' } },
    { horizon, warmup: 0.2 * horizon, replications: 10, seed: 77 + c },
  );
  const m = sim.meanWait.mean;
  ggRows.push({ w: (w - m) / m, a: (a - m) / m });
  console.log(
    `${pad(c, 3)} ${pad(rho, 5)} ${pad(ca, 4)} ${pad(cs, 4)} ${pad(f(w), 9)} ${pad(f(a), 9)} ${pad(f(m), 9)} ${pad(f(sim.meanWait.halfWidth!), 8)} ${pad(pct((w - m) / m), 9)} ${pad(pct((a - m) / m), 8)}`,
  );
}
console.log(
  `  Whitt mean |err| ${pct(ggRows.reduce((s, r) => s + Math.abs(r.w), 0) / ggRows.length)}, Allen–Cunneen mean |err| ${pct(ggRows.reduce((s, r) => s + Math.abs(r.a), 0) / ggRows.length)}`,
);

// ---------------------------------------------------------------- timing
console.log('\n== Time per evaluation (µs, median of 5 batches)');
let sink = 0;
function time(label: string, reps: number, fn: (i: number) => number): number {
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) sink += fn(i);
    batches.push(((performance.now() - t0) * 1000) / reps);
  }
  batches.sort((x, y) => x - y);
  return batches[2];
}
const REPS = Math.round(200_000 * scale);
console.log(`${'formula'.padEnd(34)} ${[1, 5, 20, 100, 1000].map((c) => pad(`c=${c}`, 9)).join(' ')}`);
const timings: [string, (c: number, l: number) => number, number][] = [
  ['erlang C core (mmcCore)', (c, l) => mmcCore(l, 1, c).meanWait, 1],
  ['Cosmetatos M/D/c', (c, l) => wqMdcCosmetatos(l, 1, c), 1],
  ['Kimura M/G/c', (c, l) => wqMgcKimura(l, 1, c, 0.25), 1],
  ['Allen–Cunneen G/G/c', (c, l) => wqAllenCunneen(l, 1, c, 0.5, 0.25), 1],
  ['Whitt G/G/c', (c, l) => wqWhitt(l, 1, c, 0.5, 0.25), 1],
  ['mmc() full result', (c, l) => (mmc({ arrivalRate: l, serviceRate: 1, servers: c }) as { utilisation: number }).utilisation, 1],
  ['mgc() full result', (c, l) => (mgc({ arrivalRate: l, serviceRate: 1, servers: c, serviceCv: 0.5 }) as { utilisation: number }).utilisation, 1],
  ['mmck() full result, K = c + 20', (c, l) => mmck({ arrivalRate: l, serviceRate: 1, servers: c, capacity: c + 20 }).meanWait, 0.2],
];
const under50: string[] = [];
for (const [label, fn, share] of timings) {
  const cells: string[] = [];
  for (const c of [1, 5, 20, 100, 1000]) {
    const us = time(label, Math.max(1000, Math.round(REPS * share * (c >= 1000 ? 0.05 : c >= 100 ? 0.3 : 1))), (i) => fn(c, c * (0.5 + 0.45 * ((i % 97) / 97))));
    if (c <= 100 && us >= 50) under50.push(`${label} c=${c}`);
    cells.push(pad(us.toFixed(3), 9));
  }
  console.log(`${label.padEnd(34)} ${cells.join(' ')}`);
}
console.log(under50.length === 0 ? '  all formulas under 50 µs for c ≤ 100' : `  over 50 µs for c ≤ 100: ${under50.join(', ')}`);

// ---------------------------------------------------------------- time-varying
function morning(title: string, perHour: number[], servers: number, meanService: number, firstHour: number) {
  const rates = perHour.map((x) => x / 60);
  const mu = 1 / meanService;
  const t0 = performance.now();
  const ode = timeVarying({ arrivalRates: rates, servers, serviceRate: mu, waitThresholds: [10] });
  const odeMs = performance.now() - t0;
  const psa = timeVarying({ arrivalRates: rates, servers, serviceRate: mu, waitThresholds: [10], method: 'psa' });
  const mol = timeVarying({ arrivalRates: rates, servers, serviceRate: mu, waitThresholds: [10], method: 'mol' });
  const t1 = performance.now();
  const des = simulateQueue(
    { servers, arrivals: { rate: rates }, service: { mean: meanService }, waitThresholds: [10] },
    { horizon: 60 * perHour.length, replications: Math.round(20_000 * scale), seed: 12 },
  );
  const desMs = performance.now() - t1;
  console.log(`\n== ${title}: ${servers} servers, exponential service mean ${meanService} min, arrivals/h ${perHour.join(', ')}`);
  console.log(`   ODE ${odeMs.toFixed(1)} ms (${ode.truncation!.states} states); DES ${des.replications} days in ${desMs.toFixed(0)} ms`);
  console.log(`${'hour'.padEnd(6)} ${pad('ρ', 5)} | mean wait of the hour's arrivals, min: ${pad('PSA', 8)} ${pad('MOL', 8)} ${pad('ODE', 8)} ${pad('DES ±95%', 16)} | P(W>10): ${pad('PSA', 6)} ${pad('ODE', 6)} ${pad('DES', 6)}`);
  const fmt = (x: number | null) => (x === null ? 'unstable' : x.toFixed(2));
  perHour.forEach((_, h) => {
    const d = des.perPeriod![h];
    console.log(
      `${`${firstHour + h}:00`.padEnd(6)} ${pad((perHour[h] / 60 / (servers * mu)).toFixed(2), 5)} | ${''.padEnd(39)} ${pad(fmt(psa.periods[h].meanWait), 8)} ${pad(fmt(mol.periods[h].meanWait), 8)} ${pad(fmt(ode.periods[h].meanWait), 8)} ${pad(`${d.meanWait.mean.toFixed(2)} ± ${d.meanWait.halfWidth!.toFixed(2)}`, 16)} | ${''.padEnd(8)} ${pad(fmt(psa.periods[h].waitTail[0].p), 6)} ${pad(fmt(ode.periods[h].waitTail[0].p), 6)} ${pad(d.waitTail[0].p.mean.toFixed(3), 6)}`,
    );
  });
  const dw = des.perPeriod!.map((p) => p.meanWait.mean);
  const dPeak = dw.indexOf(Math.max(...dw));
  console.log(
    `   peak: DES ${firstHour + dPeak}:00 ${dw[dPeak].toFixed(2)} min | ODE ${firstHour + ode.peak!.period}:00 ${ode.peak!.meanWait.toFixed(2)} | MOL ${mol.peak ? `${firstHour + mol.peak.period}:00 ${mol.peak.meanWait.toFixed(2)}` : '-'} | PSA ${psa.peak ? `${firstHour + psa.peak.period}:00 ${psa.peak.meanWait.toFixed(2)} (${(psa.peak.meanWait / dw[dPeak]).toFixed(1)}× DES)` : '-'}`,
  );
}
morning('Waiter bays, peaked morning (the day is ~9 service times long)', [6, 7, 5, 3, 2, 1], 5, 40, 7);
morning('Reception (service advisors), peaked check-in', [8, 10, 6, 3, 2], 6, 30, 7);

console.log(`\nTotal ${((performance.now() - t00) / 1000).toFixed(1)} s${sink === 42 ? '' : ''}`);
