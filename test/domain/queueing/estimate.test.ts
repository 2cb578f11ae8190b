import { describe, expect, it } from 'vitest';
import { QueueingInputError, estimate } from '../../../src/domain/queueing/index.js';

describe('estimate (HTTP entry point)', () => {
  it('dispatches every model and returns JSON-serialisable results', () => {
    const requests = [
      { model: 'mmc', arrivalRate: 6, serviceRate: 3, servers: 3 },
      { model: 'mmck', arrivalRate: 6, serviceRate: 3, servers: 3, capacity: 6 },
      { model: 'mdc', arrivalRate: 0.1, serviceRate: 1 / 30, servers: 4 },
      { model: 'mgc', arrivalRate: 0.1, serviceRate: 1 / 30, servers: 4, serviceCv: 0.4 },
      { model: 'ggc', arrivalRate: 0.1, serviceRate: 1 / 30, servers: 4, arrivalCv: 0.8, serviceCv: 0.4 },
      { model: 'mmc', arrivalRate: 1, serviceRate: 0.1, servers: 3 }, // unstable
      { model: 'time_varying', arrivalRates: [0.1, 0.2, 0.05], servers: [3, 5, 2], serviceRate: 1 / 30 },
      { model: 'time_varying', arrivalRates: [0.1, 0.2, 0.05], servers: 3, serviceRate: 1 / 30, method: 'psa' },
      { model: 'staffing', arrivalRates: [0.1, 0.2], serviceRate: 1 / 30, target: { kind: 'wait_within', maxWait: 10, probability: 0.8 } },
      { model: 'conditional_wait', servers: 3, busy: 3, queueAhead: 2, elapsed: [5, 10, 40], service: { mean: 30, cv: 0.4 }, samples: 2_000 },
    ] as const;
    for (const req of requests) {
      const res = estimate(req as never);
      const json = JSON.stringify(res);
      expect(json).not.toMatch(/NaN|Infinity/);
      expect(JSON.parse(json)).toEqual(res);
      expect((res as { model: string }).model).toBe(req.model);
    }
  });

  it('throws QueueingInputError naming the field', () => {
    try {
      estimate({ model: 'mmc', arrivalRate: 1, serviceRate: 1, servers: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(QueueingInputError);
      expect((e as QueueingInputError).toJSON()).toMatchObject({ code: 'QUEUEING_INPUT', field: 'servers' });
    }
    expect(() => estimate({ model: 'nope' } as never)).toThrow(/model/);
  });
});
