/**
 * Each rule of the trade has one home, src/domain/rules/. This test fails when a copy creeps back
 * anywhere else in src/ or bench/: the patterns below are the shapes the old copies had (planned
 * minutes, the fixed industry rule, qualification by level, job weights, the promise grid, the
 * headroom cap, the waiter's wait limit).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const HOME = join('src', 'domain', 'rules');

const COPIES: [string, RegExp][] = [
  ['planned minutes = ceil(standard ÷ efficiency): rules/qualification.ts plannedMinutes', /Math\.ceil\(\s*[\w.[\]]+\s*\/\s*[\w.[\]]*efficiency\s*\)/],
  ['standard minutes from hours: rules/qualification.ts standardMinutes', /Math\.round\(\s*\(?[^;]*standardHours[^;]*\)?\s*\*\s*60\s*\)/],
  ['the fixed industry rule: rules/promise.ts fixedRulePromise', /1\.5\s*\*\s*[\w.]*(std|standard)/i],
  ['qualification by skill level: rules/qualification.ts isQualified', /LEVEL_RANK\[/],
  ['job weights: rules/weights.ts jobWeight', /(\?\s*[\w.]*waiterWeight\s*:\s*1\b|weight\s*\*=\s*[\w.]*(waiter|priority)Weight)/],
  ['the promise grid: rules/promise.ts roundUpToGrid / promiseMinute', /(\/\s*grid\s*-\s*1e-9|Math\.ceil\([^()]*\/\s*5\s*\)\s*\*\s*5)/],
  ['the headroom cap: rules/promise.ts promiseLevel', /\(\s*1\s*-\s*[\w.]*targetOnTime\s*\)\s*\/\s*2/],
  ["the waiter's longest wait: rules/policy.ts waiterMaxWaitMinutes", /WAITER_MAX_WAIT|std\s*\+\s*60\b/],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('one home for every rule of the trade', () => {
  const sources = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'bench'))].filter((p) => !relative(ROOT, p).startsWith(HOME));
  it('finds the sources it guards', () => {
    expect(sources.length).toBeGreaterThan(40);
  });
  for (const [rule, re] of COPIES)
    it(`no copy of ${rule.split(':')[0]} outside ${HOME}`, () => {
      const hits = sources.flatMap((p) =>
        readFileSync(p, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, i }))
          .filter(({ line }) => re.test(line) && !line.trimStart().startsWith('*') && !line.trimStart().startsWith('//'))
          .map(({ line, i }) => `${relative(ROOT, p)}:${i + 1}: ${line.trim()}`),
      );
      expect(hits, `use ${rule.split(': ')[1]}`).toEqual([]);
    });
});
