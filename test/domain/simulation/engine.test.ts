import { describe, expect, it } from 'vitest';
import { compileScenario, runSimulation } from '../../../src/app/simulations.js';
import { simulateReplication } from '../../../src/domain/simulation/engine.js';
import { comparePaired, KPIS } from '../../../src/domain/simulation/report.js';
import { tinyScenario } from './helpers.js';

const world = compileScenario(tinyScenario(), { days: 10 });

describe('simulation engine', () => {
  it('is deterministic per seed and replication, and different across them', async () => {
    const a = await simulateReplication(world, { seed: 7, replication: 0, solverIterations: 10 });
    const b = await simulateReplication(world, { seed: 7, replication: 0, solverIterations: 10 });
    const c = await simulateReplication(world, { seed: 7, replication: 1, solverIterations: 10 });
    const d = await simulateReplication(world, { seed: 8, replication: 0, solverIterations: 10 });
    expect(b).toEqual(a);
    expect(c.kpis).not.toEqual(a.kpis);
    expect(d.kpis).not.toEqual(a.kpis);
  });

  it('conserves repair orders and keeps utilisations within [0, 1]', async () => {
    for (let r = 0; r < 3; r++) {
      const x = await simulateReplication(world, { seed: 3, replication: r, solverIterations: 10 });
      const n = x.counts;
      expect(n.arrived).toBeGreaterThan(20);
      expect(n.arrived).toBe(n.delivered + n.openAtEnd); // every arrived RO is delivered or carried over
      expect(n.booked + n.turnedAway).toBeGreaterThanOrEqual(n.requests); // walk-ins can be turned away too
      expect(n.booked).toBeLessThanOrEqual(n.requests);
      expect(n.noShows).toBeLessThanOrEqual(n.booked);
      for (const k of ['technicianUtilisation', 'productivity', 'bayUtilisation', 'onTimeRate', 'turnedAwayShare']) {
        expect(x.kpis[k], k).toBeGreaterThanOrEqual(0);
        expect(x.kpis[k], k).toBeLessThanOrEqual(1);
      }
      expect(x.kpis.productivity).toBeLessThanOrEqual(x.kpis.technicianUtilisation + 1e-12);
      expect(x.kpis.actualLeadHoursP90).toBeGreaterThanOrEqual(x.kpis.actualLeadHoursMean * 0.5);
      // technicians flag 1.1 and 0.95 × standard, brake jobs run 15% over the flat rate
      expect(x.kpis.efficiency).toBeGreaterThan(0.8);
      expect(x.kpis.efficiency).toBeLessThan(1.2);
      for (const u of x.byHour.technicianUtilisation) expect(u).toBeLessThanOrEqual(1 + 1e-9);
      expect(x.simulatedDays).toBe(10);
    }
  });

  it('common random numbers: a variant identical to the base gives zero differences', async () => {
    const r = await runSimulation({
      base: tinyScenario(), days: 5, replications: 4, seed: 11, workers: 0, solverIterations: 5,
      variants: [{ name: 'same', patch: [{ op: 'replace', path: '/demand/noShowRate', value: 0.12 }] }],
    });
    for (const k of KPIS) {
      const d = r.variants[0].differences[k.key];
      if (d.difference.n === 0) continue;
      expect(d.difference.mean, k.key).toBe(0);
      expect(d.significant, k.key).toBe(false);
    }
    expect(r.variants[0].summary.kpis.onTimeRate.mean).toBe(r.base.kpis.onTimeRate.mean);
  });

  it('pairing makes a real change sharp: +1 technician, fewer turned away, lower utilisation', async () => {
    const base = tinyScenario();
    const extra = { ...base.technicians[0], name: 'C' };
    const r = await runSimulation({
      base, days: 10, replications: 6, seed: 5, workers: 0, solverIterations: 5,
      variants: [{ name: '+1 technician', patch: [{ op: 'add', path: '/technicians/-', value: extra }] }],
    });
    const d = r.variants[0].differences;
    expect(d.technicianUtilisation.difference.mean).toBeLessThan(0);
    expect(d.technicianUtilisation.significant).toBe(true);
    expect(d.turnedAwayPerDay.difference.mean).toBeLessThanOrEqual(0);
    // the paired interval is narrower than the replication spread of either scenario
    expect(d.technicianUtilisation.difference.halfWidth!).toBeLessThan(r.base.kpis.technicianUtilisation.halfWidth! + r.variants[0].summary.kpis.technicianUtilisation.halfWidth!);
  });

  it('replications on worker threads give the same numbers as on this thread', async () => {
    const req = { base: tinyScenario(), variants: [], days: 3, replications: 2, seed: 4, solverIterations: 5 };
    const a = await runSimulation({ ...req, workers: 0 });
    const b = await runSimulation({ ...req, workers: 2 });
    expect(b.stats.workers).toBe(2);
    expect(b.replications.base).toEqual(a.replications.base);
  });

  it('the truth drives efficiency: jobs taking 30% longer than the catalogue cut efficiency by ~1/1.3', async () => {
    const r = await runSimulation({
      base: tinyScenario(), days: 5, replications: 3, seed: 9, workers: 0, solverIterations: 5,
      variants: [{ name: 'slow', patch: [{ op: 'add', path: '/demand/truth/default', value: { bias: 1.3 } }] }],
    });
    const ratio = r.variants[0].summary.kpis.efficiency.mean / r.base.kpis.efficiency.mean;
    expect(ratio).toBeGreaterThan(0.72);
    expect(ratio).toBeLessThan(0.82);
    expect(r.variants[0].differences.efficiency.significant).toBe(true);
  });

  it("booking through the promise engine's availability works end to end and conserves ROs", async () => {
    const w = compileScenario(tinyScenario({ simulation: { booking: 'availability' } }), { days: 6 });
    expect(w.booking).toBe('availability');
    const x = await simulateReplication(w, { seed: 3, replication: 0, solverIterations: 5 });
    expect(x.counts.booked).toBeGreaterThan(0);
    expect(x.counts.arrived).toBe(x.counts.delivered + x.counts.openAtEnd);
    expect(x.counts.booked + x.counts.turnedAway).toBeGreaterThanOrEqual(x.counts.requests);
    expect(x.quotes).toBeGreaterThan(x.counts.booked); // every booking was screened by a forecast
    expect(await simulateReplication(w, { seed: 3, replication: 0, solverIterations: 5 })).toEqual(x);
  });

  it('the direct comparison helper pairs by replication', () => {
    const mk = (rep: number, v: number) => ({ replication: rep, kpis: Object.fromEntries(KPIS.map((k) => [k.key, v])) }) as never;
    const d = comparePaired([mk(0, 1), mk(1, 2), mk(2, 3)], [mk(2, 4), mk(0, 2), mk(1, 3)]);
    expect(d.onTimeRate.difference.mean).toBe(1);
    expect(d.onTimeRate.difference.halfWidth).toBe(0);
  });
});
