/**
 * Loads a scenario file into the store: the workshop, its bays, technicians and catalogue, and
 * (if the scenario asks for it) a seeded book of appointments for the coming days drawn from its
 * demand. Used on first start with an empty store, so a new user has something real to query.
 */
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { Scenario } from '../model/scenario.js';
import { WEEKDAYS, toMinutes } from '../model/common.js';
import type { AppointmentInput, Workshop } from '../model/workshop.js';
import { Rng } from '../lib/random.js';
import type { AppContext } from './context.js';
import * as uc from './catalog.js';
import { DomainError } from './errors.js';
import { parseOrThrow } from './validate.js';
import { parseJsonWithLines } from '../lib/json-lines.js';

export function readScenarioFile(path: string): Scenario {
  const text = readFileSync(path, 'utf8');
  const { value, lineOf } = parseJsonWithLines(text, path);
  try {
    return parseOrThrow(Scenario, value);
  } catch (e) {
    if (e instanceof DomainError && e.extra.errors) {
      const lines = e.extra.errors.map((f) => `${path}:${lineOf(f.path)}: ${f.path || '(root)'}: ${f.message}`);
      throw new Error(`invalid scenario file\n${lines.join('\n')}`);
    }
    throw e;
  }
}

/** The fixed industry rule used for seeded promises: arrival + 1.5 × standard hours + 60 min. */
export function fixedRulePromise(arrivalMs: number, standardHours: number): number {
  return arrivalMs + (1.5 * standardHours * 60 + 60) * 60_000;
}

export function generateBookings(
  s: Scenario,
  startDate: string,
  opts: { days: number; fill: number; seed: number; notBeforeMs?: number },
): AppointmentInput[] {
  const rng = new Rng(opts.seed);
  const zone = s.workshop.timeZone;
  const hours = new Map(s.operations.map((o) => [o.opCode, o.standardHours]));
  const evCodes = new Set(s.operations.filter((o) => o.requiresEv).map((o) => o.opCode));
  const mixTotal = s.demand.jobMix.reduce((a, m) => a + m.weight, 0);
  const out: AppointmentInput[] = [];
  let n = 0;
  for (let d = 0; d < opts.days; d++) {
    const day = DateTime.fromISO(startDate, { zone }).plus({ days: d });
    const wd = WEEKDAYS[day.weekday - 1];
    if (s.workshop.closedDates.includes(day.toISODate()!)) continue;
    const open = s.workshop.openingHours[wd];
    if (!open.length) continue;
    // arrival hours: profile restricted to opening hours
    const hoursOk = Object.entries(s.demand.arrivalProfile).filter(([h, w]) => {
      const m = Number(h) * 60;
      return w > 0 && open.some((r) => m >= toMinutes(r.start) - 59 && m < toMinutes(r.end) - 60);
    });
    const hw = hoursOk.reduce((a, [, w]) => a + w, 0);
    if (hw === 0) continue;
    const count = Math.round(s.demand.appointmentsPerDay[wd] * opts.fill);
    for (let i = 0; i < count; i++) {
      let r = rng.next() * hw;
      let hour = Number(hoursOk[hoursOk.length - 1][0]);
      for (const [h, w] of hoursOk) if ((r -= w) < 0) { hour = Number(h); break; }
      const slots = Math.max(1, Math.floor(60 / s.workshop.slotMinutes));
      let minuteOfDay = hour * 60 + rng.int(slots) * s.workshop.slotMinutes;
      const first = open[0];
      minuteOfDay = Math.max(minuteOfDay, toMinutes(first.start));
      const arrival = day.startOf('day').plus({ minutes: minuteOfDay });
      if (opts.notBeforeMs !== undefined && arrival.toMillis() < opts.notBeforeMs) continue;
      let m = rng.next() * mixTotal;
      let job = s.demand.jobMix[s.demand.jobMix.length - 1];
      for (const j of s.demand.jobMix) if ((m -= j.weight) < 0) { job = j; break; }
      const std = job.opCodes.reduce((a, c) => a + (hours.get(c) ?? 0), 0);
      const waiter = std <= s.demand.waiterMaxHours && rng.next() < s.demand.waiterShare;
      const withParts = !waiter && rng.next() < s.demand.partsEtaShare;
      n++;
      out.push({
        customer: { name: `Demo customer ${String(n).padStart(3, '0')}`, ref: `C${100000 + n}` },
        vehicle: {
          plate: `B-DM ${1000 + ((n * 7919) % 9000)}`,
          ev: job.opCodes.some((c) => evCodes.has(c)),
        },
        plannedArrival: arrival.toISO({ suppressMilliseconds: true })!,
        transport: waiter ? 'waiter' : 'drop_off',
        operations: job.opCodes.map((opCode, k) => ({
          opCode,
          ...(withParts && k === 0 ? { partsEta: arrival.plus({ hours: 2 + rng.int(22) }).toISO({ suppressMilliseconds: true })! } : {}),
        })),
        priority: rng.next() < s.demand.priorityShare ? 'high' : 'normal',
        promisedAt: DateTime.fromMillis(fixedRulePromise(arrival.toMillis(), std), { zone }).toISO({ suppressMilliseconds: true })!,
        notes: job.name,
      });
    }
  }
  return out;
}

/** Creates the whole workshop of a scenario in one transaction. */
export function loadScenario(ctx: AppContext, s: Scenario, opts: { withBookings: boolean; startDate?: string; fill?: number }): Workshop {
  return ctx.store.transaction(() => {
    const w = uc.createWorkshop(ctx, s.workshop);
    for (const b of s.bays) uc.bays.create(ctx, w.id, b);
    for (const t of s.technicians) uc.technicians.create(ctx, w.id, t);
    for (const o of s.operations) uc.operations.create(ctx, w.id, o);
    if (opts.withBookings && s.seedBookings) {
      const start = opts.startDate ?? DateTime.fromMillis(ctx.clock.now(), { zone: s.workshop.timeZone }).toISODate()!;
      // the book starts now: slots earlier today are in the past
      for (const a of generateBookings(s, start, { ...s.seedBookings, ...(opts.fill !== undefined ? { fill: opts.fill } : {}), notBeforeMs: ctx.clock.now() })) uc.createAppointment(ctx, w.id, a);
    }
    return uc.getWorkshop(ctx, w.id);
  });
}

