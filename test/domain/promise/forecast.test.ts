import { describe, expect, it } from 'vitest';
import {
  advanceWork, fitDurationModel, forecastJobs, priorParams, PromiseSimulation, type DurationModel,
} from '../../../src/domain/promise/index.js';
import { dispatchFifo, generateWorkshop } from '../../../src/domain/scheduling/index.js';
import { Rng } from '../../../src/lib/random.js';
import { planOf, tinyModel, Z } from './helpers.js';

const dm = (cv: number): DurationModel => fitDurationModel(new Map([['X', cv]]), [], { defaultCv: cv });

describe('calendar arithmetic', () => {
  it('work continues in the next working interval', () => {
    const cal = [0, 100, 200, 300];
    expect(advanceWork(cal, 50, 80)).toBe(230);
    expect(advanceWork(cal, 120, 10)).toBe(210);
    expect(advanceWork(cal, 250, 100)).toBe(350); // past the calendar: wall clock
  });
});

describe('ready-by forecast', () => {
  it('a plan whose sequence contradicts precedence is reported, not looped on', () => {
    // op 1 needs op 0, but the plan puts op 1 first on the same technician
    const model = tinyModel([[0, 100000]], [
      { job: 0, alternatives: [{ tech: 0, minutes: 60 }] },
      { job: 0, alternatives: [{ tech: 0, minutes: 60 }], preds: [0] },
    ]);
    const plan = planOf([[0, -1, 60, 120], [0, -1, 0, 60]]);
    const sim = new PromiseSimulation({ model, plan, opCodes: ['X', 'X'], durations: dm(0.3) }, { samples: 50 });
    expect(() => sim.ends(1)).toThrow(/cyclic/);
  });

  it('single op, no queue: lognormal quantiles within MC error', () => {
    const model = tinyModel([[0, 100000]], [{ job: 0, alternatives: [{ tech: 0, minutes: 100 }] }]);
    const plan = planOf([[0, -1, 0, 100]]);
    const [f] = forecastJobs({ model, plan, opCodes: ['X'], durations: dm(0.3) }, [0], { samples: 8000, seed: 3 });
    const { mu, sigma } = priorParams(0.3);
    for (const [k, z] of Object.entries(Z)) {
      const exact = 100 * Math.exp(mu + sigma * z);
      expect(Math.abs(f!.quantiles()[k as keyof typeof Z] / exact - 1)).toBeLessThan(0.025);
    }
    expect(Math.abs(f!.mean() - 100)).toBeLessThan(1.5);
    expect(f!.probReadyBy(100 * Math.exp(mu))).toBeCloseTo(0.5, 1);
  });

  it('buffer is added to quantiles and probReadyBy', () => {
    const model = tinyModel([[0, 100000]], [{ job: 0, alternatives: [{ tech: 0, minutes: 100 }] }]);
    const input = { model, plan: planOf([[0, -1, 0, 100]]), opCodes: ['X'], durations: dm(0.3) };
    const [a] = forecastJobs(input, [0], { samples: 500 });
    const [b] = forecastJobs(input, [0], { samples: 500, bufferMinutes: 15 });
    expect(b!.quantile(0.9)).toBe(a!.quantile(0.9) + 15);
    expect(b!.probReadyBy(a!.quantile(0.9) + 15)).toBe(a!.probReadyBy(a!.quantile(0.9)));
  });

  it('two ops in series on one technician match a Monte Carlo of the sum', () => {
    const model = tinyModel([[0, 100000]], [
      { job: 0, alternatives: [{ tech: 0, minutes: 60 }] },
      { job: 1, alternatives: [{ tech: 0, minutes: 90 }] },
    ]);
    const plan = planOf([[0, -1, 0, 60], [0, -1, 60, 150]]);
    const [f] = forecastJobs({ model, plan, opCodes: ['X', 'X'], durations: dm(0.4) }, [1], { samples: 8000, seed: 11 });
    const rng = new Rng(99);
    const ref = Float64Array.from({ length: 100000 }, () => rng.lognormalMeanCv(60, 0.4) + rng.lognormalMeanCv(90, 0.4)).sort();
    for (const p of [0.5, 0.8, 0.9, 0.95]) {
      const exact = ref[Math.ceil(p * ref.length) - 1];
      expect(Math.abs(f!.quantile(p) / exact - 1)).toBeLessThan(0.025);
    }
    expect(f!.bottleneck.kind).toBe('technician');
    expect(f!.bottleneck.key).toBe('T0');
    expect(f!.bottleneck.share).toBe(1);
  });

  it('respects calendars: an op sampled past shift end continues in the next working interval', () => {
    // shift 0–100, next shift 200–300; op released at 50, 80 minutes, no variability
    const model = tinyModel([[0, 100, 200, 300]], [{ job: 0, release: 50, alternatives: [{ tech: 0, minutes: 80 }] }]);
    const plan = planOf([[0, -1, 200, 280]]);
    const [f] = forecastJobs({ model, plan, opCodes: ['X'], durations: dm(0) }, [0], { samples: 50 });
    expect(f!.quantile(0.05)).toBe(230);
    expect(f!.quantile(0.95)).toBe(230);
    // with variability, no sample ends in the gap between shifts
    const [g] = forecastJobs({ model, plan, opCodes: ['X'], durations: dm(0.5) }, [0], { samples: 2000 });
    for (const c of g!.completion) expect(c <= 100 || c > 200).toBe(true);
    // released before the shift: starts at the first working minute
    const m2 = tinyModel([[60, 100, 200, 300]], [{ job: 0, alternatives: [{ tech: 0, minutes: 30 }] }]);
    const [h] = forecastJobs({ model: m2, plan: planOf([[0, -1, 60, 90]]), opCodes: ['X'], durations: dm(0) }, [0], { samples: 5 });
    expect(h!.quantile(0.5)).toBe(90);
    expect(h!.bottleneck.kind).toBe('own_work');
  });

  it('in-progress ops: the remaining part is random and starts at as-of', () => {
    const model = tinyModel([[0, 100000]], [{ job: 0, alternatives: [{ tech: 0, minutes: 100 }], fixed: { tech: 0, bay: -1, start: 0, end: 100 } }]);
    const plan = planOf([[0, -1, 0, 100]]);
    const [f] = forecastJobs({ model, plan, opCodes: ['X'], durations: dm(0.3) }, [0], { samples: 4000, asOf: 40 });
    const { mu } = priorParams(0.3);
    expect(Math.abs(f!.quantile(0.5) - (40 + 60 * Math.exp(mu)))).toBeLessThan(1.5);
    expect(f!.quantile(0.05)).toBeGreaterThan(40);
  });

  it('bottleneck: parts release', () => {
    const model = tinyModel([[0, 100000]], [
      { job: 0, alternatives: [{ tech: 0, minutes: 30 }] },
      { job: 0, release: 300, preds: [0], alternatives: [{ tech: 0, minutes: 30 }] },
    ]);
    const plan = planOf([[0, -1, 0, 30], [0, -1, 300, 330]]);
    const [f] = forecastJobs({ model, plan, opCodes: ['X', 'X'], durations: dm(0.3) }, [0], { samples: 500 });
    expect(f!.bottleneck).toEqual({ kind: 'release', key: null, share: 1 });
  });

  it('is deterministic per seed and differs across seeds', () => {
    const model = generateWorkshop({ seed: 5, techs: 8, bays: 6, ops: 120, days: 2 });
    const plan = dispatchFifo(model, 'workshop');
    const input = { model, plan, opCodes: model.ops.map((o) => o.key.split('#')[0]), durations: dm(0.35) };
    const job = model.jobs.length - 1;
    const a = forecastJobs(input, [job], { samples: 300, seed: 1 })[0]!;
    const b = forecastJobs(input, [job], { samples: 300, seed: 1 })[0]!;
    const c = forecastJobs(input, [job], { samples: 300, seed: 2 })[0]!;
    expect(Array.from(a.completion)).toEqual(Array.from(b.completion));
    expect(Array.from(a.completion)).not.toEqual(Array.from(c.completion));
  });

  it('cone restriction gives the same result as simulating everything', () => {
    const model = generateWorkshop({ seed: 9, techs: 10, bays: 8, ops: 200, days: 3 });
    const plan = dispatchFifo(model, 'workshop');
    const input = { model, plan, opCodes: model.ops.map(() => 'X'), durations: dm(0.35) };
    // a job planned early: small cone
    const firstJob = model.ops[plan.assignments.reduce((b, a) => (a.tech >= 0 && a.start < plan.assignments[b].start ? a.op : b), 0)].job;
    for (const job of [firstJob, Math.floor(model.jobs.length / 2)]) {
      const cone = new PromiseSimulation(input, { samples: 256, seed: 4 });
      const fc = cone.forecastJob(job, 10)!;
      const full = new PromiseSimulation(input, { samples: 256, seed: 4 });
      full.simulateAll();
      const ff = full.forecastJob(job, 10)!;
      expect(Array.from(fc.completion)).toEqual(Array.from(ff.completion));
      expect(fc.bottlenecks).toEqual(ff.bottlenecks);
      expect(cone.simulatedOps).toBeLessThanOrEqual(full.simulatedOps);
      if (job === firstJob) expect(cone.simulatedOps).toBeLessThan(full.simulatedOps / 4);
    }
  });
});
