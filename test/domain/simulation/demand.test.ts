/** Demand alone: each day's requests and walk-ins come from their own streams (common random numbers). */
import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../../src/app/simulations.js';
import { newReplication } from '../../../src/domain/simulation/engine.js';
import { generateAppointmentRequests, generateWalkIns } from '../../../src/domain/simulation/demand.js';
import { isOpen } from '../../../src/domain/simulation/calendar.js';
import { tinyScenario } from './helpers.js';

const facts = (over: Record<string, unknown> = {}) => {
  const base = tinyScenario();
  const w = compileScenario(tinyScenario({ demand: { ...base.demand, ...over } }), { days: 5 });
  const s = newReplication(w, { seed: 3, replication: 1 });
  generateAppointmentRequests(s);
  for (const d of w.simDays) generateWalkIns(s, d);
  return { w, s, ros: s.ros.map((r) => ({ key: r.key, arrival: r.arrival, waiter: r.waiter, job: r.jobKind, mult: r.ops.map((o) => o.mult), noShow: r.noShow })) };
};

describe('simulation demand', () => {
  it("a day's requests do not change when another day's demand does", () => {
    const a = facts();
    const b = facts({ appointmentsPerDay: { mon: 5, tue: 12, wed: 5, thu: 5, fri: 4 } });
    const tue = a.w.simDays[1];
    const notTue = (r: { key: string }) => !r.key.startsWith(`A${tue}-`);
    expect(b.ros.filter((r) => !notTue(r)).length).toBeGreaterThan(a.ros.filter((r) => !notTue(r)).length);
    expect(b.ros.filter(notTue)).toEqual(a.ros.filter(notTue));
  });

  it('requests are queued as events; walk-ins arrive within opening hours', () => {
    const { w, s } = facts({ walkInsPerDay: 6 });
    const walkIns = s.ros.filter((r) => r.key.startsWith('W'));
    expect(walkIns.length).toBe(s.counts.walkIns);
    expect(walkIns.length).toBeGreaterThan(10);
    for (const r of walkIns) expect(isOpen(w, r.arrival), r.key).toBe(true);
    expect(s.queue.length).toBe(s.ros.length); // one request or arrival each
  });
});
