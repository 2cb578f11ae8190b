/**
 * npm run solve -- <file.fjs> [--time-limit <seconds>] [--seed <n>] [--no-lp]
 * Solves a flexible job shop instance for the makespan with the scheduling engine and prints one
 * JSON object: {"makespan", "lowerBound", "schedule": [{job, op, machine, start, end}]} (1-based).
 * Options take their value as `--seed 3` or `--seed=3`; `--help` prints the usage.
 * Errors: message on stderr, exit code 2.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFjs, toFjspSchedule } from '../domain/scheduling/fjsp.js';
import { solve } from '../domain/scheduling/solve.js';
import { verifyPlan } from '../domain/scheduling/verify.js';

const USAGE = `usage: npm run solve -- <file.fjs> [options]
Solves a flexible job shop instance (.fjs) for the makespan; prints {"makespan", "lowerBound", "schedule"}.
  --time-limit <seconds>  search budget (default 10)
  --seed <n>              random seed (default 1)
  --no-lp                 skip the LP lower bound
  -h, --help              this text
`;

function fail(msg: string): never {
  process.stderr.write(`solve: ${msg}\n`);
  process.exit(2);
}

function nonNegative(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) fail(`--${name} needs a non-negative number`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'time-limit': { type: 'string' },
        seed: { type: 'string' },
        'no-lp': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (positionals.length > 1) fail(`unexpected argument ${positionals[1]}`);
  const file = positionals[0];
  const timeLimit = nonNegative('time-limit', values['time-limit'], 10);
  const seed = Math.floor(nonNegative('seed', values.seed, 1));
  const lp = !values['no-lp'];
  if (!file) fail(`no instance file\n${USAGE}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file}: ${(e as Error).message}`);
  }
  let inst;
  try {
    inst = parseFjs(text);
  } catch (e) {
    fail(`${file}: ${(e as Error).message}`);
  }
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const res = await solve(inst.model, { objective: 'makespan', timeLimitMs: timeLimit * 1000, seed, lp, signal: ac.signal });
  if (res.plan.unscheduled.length) fail(`${res.plan.unscheduled.length} operations could not be scheduled: ${res.plan.unscheduled[0].reason}`);
  const violations = verifyPlan(inst.model, res.plan);
  if (violations.length) fail(`internal error: infeasible schedule (${violations[0].message})`);
  process.stdout.write(
    JSON.stringify({ makespan: res.plan.objective.makespan, lowerBound: res.plan.lowerBound, schedule: toFjspSchedule(inst.model, res.plan) }) + '\n',
  );
}

main().catch((e) => fail((e as Error).stack ?? String(e)));
