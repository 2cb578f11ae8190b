/**
 * What-if simulation from the command line:
 *   npm run simulate -- scenarios/<file>.json --days 20 --replications 30 [--variant patch.json]…
 *                       [--json out.json] [--seed n] [--workers n] [--iterations n] [--start YYYY-MM-DD] [--booking availability|insertion]
 * A variant file is a JSON Patch (RFC 6902 add/replace/remove) array, or {"name": …, "patch": […]}.
 * Prints the KPI table (95% CIs) of the base and, per variant, the paired comparison; a progress
 * bar goes to stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readScenarioFile } from '../app/demo.js';
import { runSimulation } from '../app/simulations.js';
import { formatComparison, formatSummary } from '../domain/simulation/report.js';
import type { PatchOperation } from '../domain/simulation/patch.js';

function usage(msg?: string): never {
  if (msg) process.stderr.write(`simulate: ${msg}\n`);
  process.stderr.write('usage: npm run simulate -- <scenario.json> [--days 20] [--replications 30] [--variant patch.json]… [--json out.json] [--seed 1] [--workers n] [--iterations n] [--start YYYY-MM-DD] [--booking availability|insertion]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let file: string | undefined;
const opts = { days: 20, replications: 30, seed: 1, workers: undefined as number | undefined, iterations: undefined as number | undefined, json: undefined as string | undefined, start: undefined as string | undefined, booking: undefined as 'availability' | 'insertion' | undefined };
const variantFiles: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => { const v = args[++i]; if (v === undefined) usage(`${a} needs a value`); return v; };
  const int = (name: string, min: number, max: number) => {
    const v = Number(val());
    if (!Number.isInteger(v) || v < min || v > max) usage(`${name} must be an integer in [${min}, ${max}]`);
    return v;
  };
  if (a === '--days') opts.days = int('--days', 1, 365);
  else if (a === '--replications') opts.replications = int('--replications', 1, 1000);
  else if (a === '--seed') opts.seed = int('--seed', 0, 2 ** 31 - 1);
  else if (a === '--workers') opts.workers = int('--workers', 0, 64);
  else if (a === '--iterations') opts.iterations = int('--iterations', 0, 100_000);
  else if (a === '--variant') variantFiles.push(val());
  else if (a === '--json') opts.json = val();
  else if (a === '--start') opts.start = val();
  else if (a === '--booking') {
    const v = val();
    if (v !== 'availability' && v !== 'insertion') usage('--booking is availability or insertion');
    opts.booking = v;
  }
  else if (a === '--help' || a === '-h') usage();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else if (!file) file = a;
  else usage(`unexpected argument ${a}`);
}
if (!file) usage('no scenario file');

let base;
try {
  base = readScenarioFile(file);
  if (opts.booking) base = { ...base, simulation: { replanEveryMinutes: 60, promiseSamples: 64, ...base.simulation, booking: opts.booking } };
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
const variants = variantFiles.map((f) => {
  const v = JSON.parse(readFileSync(f, 'utf8')) as PatchOperation[] | { name?: string; patch: PatchOperation[] };
  return Array.isArray(v) ? { name: basename(f, '.json'), patch: v } : { name: v.name ?? basename(f, '.json'), patch: v.patch };
});

const tty = process.stderr.isTTY;
let lastDraw = 0;
const draw = (done: number, total: number) => {
  const now = performance.now();
  if (now - lastDraw < 100 && done < total) return;
  lastDraw = now;
  const w = 30;
  const f = total ? done / total : 0;
  const bar = '█'.repeat(Math.round(f * w)).padEnd(w, '·');
  process.stderr.write(`${tty ? '\r' : ''}[${bar}] ${(f * 100).toFixed(0).padStart(3)}%  ${done}/${total} replication-days${tty ? '' : '\n'}`);
};

try {
  const r = await runSimulation(
    { base, variants, days: opts.days, replications: opts.replications, seed: opts.seed, workers: opts.workers, solverIterations: opts.iterations, startDate: opts.start },
    (p) => draw(p.done, p.total),
  );
  process.stderr.write('\n');
  process.stdout.write(formatSummary(r.base) + '\n\n');
  if (r.variants.length) process.stdout.write(formatComparison(r.base, r.variants) + '\n\n* the paired 95% interval of the difference excludes 0 (common random numbers)\n\n');
  process.stdout.write(
    `${opts.replications} replications × ${opts.days} days × ${1 + variants.length} scenario(s) in ${(r.stats.wallMs / 1000).toFixed(1)} s on ${r.stats.workers || 1} thread(s); ` +
      `${Math.round(r.stats.eventsPerSecond).toLocaleString('en')} events/s, ${r.stats.replans} replans, ${r.stats.quotes} promises\n`,
  );
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ request: { scenario: file, ...opts, variants }, ...r }, null, 2));
    process.stderr.write(`wrote ${opts.json}\n`);
  }
} catch (e) {
  process.stderr.write(`\nsimulate: ${(e as Error).message}\n`);
  process.exit(1);
}
