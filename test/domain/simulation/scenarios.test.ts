import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenarioFile } from '../../../src/app/demo.js';
import { compileScenario } from '../../../src/app/simulations.js';

const FILES = ['demo-dealership', 'small-independent-garage', 'dealership-express-lane', 'ev-specialist'];

describe('scenario files', () => {
  it.each(FILES)('%s loads, validates and compiles', (f) => {
    const s = readScenarioFile(`scenarios/${f}.json`);
    const w = compileScenario(s, { days: 5 });
    expect(w.simDays).toHaveLength(5);
    expect(w.techs.length).toBe(s.technicians.filter((t) => t.active).length);
    // every job kind can be done by somebody (or a lane)
    for (const j of w.jobKinds) if (j.lane < 0) for (const o of j.ops) expect(w.opTypes[o].alternatives.length, `${j.name}`).toBeGreaterThan(0);
    // calendars are sorted, inside their day
    for (const t of w.techs) t.workByDay.forEach((iv, d) => { for (let i = 0; i < iv.length; i += 2) { expect(iv[i]).toBeGreaterThanOrEqual(w.dayStart[d]); expect(iv[i + 1]).toBeLessThanOrEqual(w.dayStart[d + 1]); } });
  });

  it('the small garage has 3 bays and 3 technicians; the express dealership a lane; the EV shop mostly EV bays', () => {
    const g = readScenarioFile('scenarios/small-independent-garage.json');
    expect([g.bays.length, g.technicians.length]).toEqual([3, 3]);
    expect(readScenarioFile('scenarios/dealership-express-lane.json').workshop.lanes[0].servers).toBeGreaterThan(0);
    const ev = readScenarioFile('scenarios/ev-specialist.json');
    expect(ev.bays.filter((b) => b.capabilities.includes('ev')).length).toBeGreaterThan(ev.bays.length / 2);
  });

  it('a broken file errors with line and field (simulation fields too)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simscn-'));
    try {
      const text = readFileSync('scenarios/ev-specialist.json', 'utf8');
      const file = join(dir, 'bad.json');
      const bad = text.replace('"absenceRate": 0.03', '"absenceRate": 2');
      writeFileSync(file, bad);
      const line = bad.split('\n').findIndex((l) => l.includes('"absenceRate": 2')) + 1;
      expect(() => readScenarioFile(file)).toThrow(`bad.json:${line}: demand.absenceRate:`);
      const bad2 = text.replace('"EV-BATT-DIAG": {', '"EV-NOPE": {');
      writeFileSync(file, bad2);
      expect(() => readScenarioFile(file)).toThrow(/demand\.truth\.opCodes\.EV-NOPE: op code EV-NOPE is not in the catalogue/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
