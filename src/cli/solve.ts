/**
 * npm run solve -- <file.fjs> [--time-limit <seconds>] [--seed <n>] [--no-lp]
 * Solves a flexible job shop instance for the makespan with the scheduling engine and prints one
 * JSON object: {"makespan", "lowerBound", "schedule": [{job, op, machine, start, end}]} (1-based).
 * Errors: message on stderr, exit code 2.
 */
import { readFileSync } from 'node:fs';
import { parseFjs, toFjspSchedule } from '../domain/scheduling/fjsp.js';
import { solve } from '../domain/scheduling/solve.js';
import { verifyPlan } from '../domain/scheduling/verify.js';

function fail(msg: string): never {
  process.stderr.write(`solve: ${msg}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let file: string | undefined;
  let timeLimit = 10;
  let seed = 1;
  let lp = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--time-limit' || a === '--seed') {
      const v = Number(args[++i]);
      if (!Number.isFinite(v) || v < 0) fail(`${a} needs a non-negative number`);
      if (a === '--time-limit') timeLimit = v;
      else seed = Math.floor(v);
    } else if (a === '--no-lp') lp = false;
    else if (a.startsWith('--')) fail(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else fail(`unexpected argument ${a}`);
  }
  if (!file) fail('usage: solve <file.fjs> [--time-limit <seconds>] [--seed <n>] [--no-lp]');
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
