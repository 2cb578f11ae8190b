/**
 * What-if simulation from the command line:
 *   npm run simulate -- scenarios/<file>.json --days 20 --replications 30 [--variant patch.json]…
 *                       [--json out.json] [--seed n] [--workers n] [--iterations n] [--start YYYY-MM-DD] [--booking availability|insertion]
 * Options take their value as `--days 20` or `--days=20`; `--help` prints the usage.
 * A variant file is a JSON Patch (RFC 6902 add/replace/remove) array, or {"name": …, "patch": […]}.
 * Prints the KPI table (95% CIs) of the base and, per variant, the paired comparison; a progress
 * bar goes to stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { readScenarioFile } from '../app/demo.js';
import { runSimulation } from '../app/simulations.js';
import { formatComparison, formatSummary } from '../domain/simulation/report.js';
import type { PatchOperation } from '../domain/simulation/patch.js';

const USAGE = `usage: npm run simulate -- <scenario.json> [options]
Simulates a scenario (and variants, on the same random numbers) and prints the KPI tables with 95% CIs.
  --days <n>               open days to simulate (default 20, 1–365)
  --replications <n>       independent replications (default 30, 1–1000)
  --variant <patch.json>   a variant: a JSON Patch of the scenario (repeatable)
  --json <out.json>        also write the whole result as JSON
  --seed <n>               random seed (default 1)
  --workers <n>            worker threads (0: in this thread)
  --iterations <n>         solver iterations per replan
  --start <YYYY-MM-DD>     first simulated day
  --booking <mode>         availability or insertion
  -h, --help               this text
`;

function usage(msg?: string): never {
  if (msg) process.stderr.write(`simulate: ${msg}\n`);
  process.stderr.write(USAGE);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      days: { type: 'string' },
      replications: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      iterations: { type: 'string' },
      variant: { type: 'string', multiple: true },
      json: { type: 'string' },
      start: { type: 'string' },
      booking: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (e) {
  usage((e as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const int = (name: keyof typeof values, min: number, max: number): number | undefined => {
  const v = values[name] as string | undefined;
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) usage(`--${name} must be an integer in [${min}, ${max}]`);
  return n;
};
if (values.booking !== undefined && values.booking !== 'availability' && values.booking !== 'insertion') usage('--booking is availability or insertion');
const opts = {
  days: int('days', 1, 365) ?? 20,
  replications: int('replications', 1, 1000) ?? 30,
  seed: int('seed', 0, 2 ** 31 - 1) ?? 1,
  workers: int('workers', 0, 64),
  iterations: int('iterations', 0, 100_000),
  json: values.json,
  start: values.start,
  booking: values.booking as 'availability' | 'insertion' | undefined,
};
const variantFiles: string[] = values.variant ?? [];
if (positionals.length > 1) usage(`unexpected argument ${positionals[1]}`);
const file = positionals[0];
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
