/**
 * Loads a scenario file into the store: the workshop, its bays, technicians and catalogue, and
 * (if the scenario asks for it) a book of appointments for the coming days drawn from its demand.
 * Used on first start with an empty store, so a new user has something real to query.
 *
 * The book is made by Baywise itself: every seeded request goes through the capacity-checked
 * booking (`book`, without a promise), in the order the customers "call", so each stored promise
 * is one Baywise quoted at the workshop's target with the bookings before it already on the plan.
 * A request the workshop cannot take at the asked time is moved to the first slot availability
 * offers within a week (what a service advisor does on the phone, and what a 409's alternatives
 * list); if none is offered, or it is gone by the time of booking, the customer goes elsewhere
 * and nothing is booked. Nothing is put on the floor: requests earlier today are skipped.
 */
import { readFileSync } from 'node:fs';
import { fixedRulePromise } from '../domain/rules/promise.js';
import { DateTime } from 'luxon';
import { Scenario } from '../model/scenario.js';
import { WEEKDAYS, toMinutes } from '../model/common.js';
import type { AppointmentInput, Workshop } from '../model/workshop.js';
import { Rng } from '../lib/random.js';
import type { AppContext } from './context.js';
import * as uc from './catalog.js';
import { availability, book, quote } from './promises.js';
import { inWorkshop } from './serial.js';
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

/**
 * The seeded book with the fixed industry rule's promises (benches compare Baywise against this
 * baseline; the demo does not use it).
 */
export function generateBookings(
  s: Scenario,
  startDate: string,
  opts: { days: number; fill: number; seed: number; notBeforeMs?: number },
): AppointmentInput[] {
  const hours = new Map(s.operations.map((o) => [o.opCode, o.standardHours]));
  return generateDemand(s, startDate, opts).map((a) => {
    const std = a.operations.reduce((t, o) => t + (hours.get(o.opCode) ?? 0), 0);
    // the industry's fixed rule (rules/promise.ts), in epoch minutes
    const promise = fixedRulePromise(Date.parse(a.plannedArrival) / 60_000, std) * 60_000;
    return { ...a, promisedAt: DateTime.fromMillis(promise, { zone: s.workshop.timeZone }).toISO({ suppressMilliseconds: true })! };
  });
}

/**
 * Appointment requests for the coming days drawn (seeded) from a scenario's demand: arrival times
 * on the slot grid inside opening hours, the job mix, waiters, priorities and parts. No promise:
 * that is the booking's answer.
 */
export function generateDemand(
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
        promisedAt: null,
        notes: job.name,
      });
    }
  }
  return out;
}

export interface SeedReport {
  requested: number;
  /** booked at the asked arrival */
  booked: number;
  /** not bookable at the asked arrival, booked at the first slot availability offered */
  moved: number;
  /** no slot offered within a week (or it was gone by the time of booking) */
  turnedAway: number;
}

/** How far ahead a refused request looks for the next offered slot (as a 409's alternatives do). */
const MOVE_WITHIN_DAYS = 7;

/**
 * Creates a scenario's workshop (bays, technicians, catalogue in one transaction) and, if asked,
 * books its seeded demand through the capacity-checked booking. The bookings are not one
 * transaction: each is its own critical section, as for a client, so a crash mid-load leaves a
 * valid, shorter book.
 */
export async function loadScenario(
  ctx: AppContext,
  s: Scenario,
  opts: { withBookings: boolean; startDate?: string; fill?: number },
): Promise<Workshop & { seeded?: SeedReport }> {
  const w = ctx.store.transaction(() => {
    const w = uc.createWorkshop(ctx, s.workshop);
    for (const b of s.bays) uc.bays.create(ctx, w.id, b);
    for (const t of s.technicians) uc.technicians.create(ctx, w.id, t);
    for (const o of s.operations) uc.operations.create(ctx, w.id, o);
    return w;
  });
  if (!opts.withBookings || !s.seedBookings) return uc.getWorkshop(ctx, w.id);
  const now = ctx.clock.now();
  const start = opts.startDate ?? DateTime.fromMillis(now, { zone: s.workshop.timeZone }).toISODate()!;
  // the book starts now: slots earlier today are in the past
  const demand = generateDemand(s, start, { ...s.seedBookings, ...(opts.fill !== undefined ? { fill: opts.fill } : {}), notBeforeMs: now });
  const seeded: SeedReport = { requested: demand.length, booked: 0, moved: 0, turnedAway: 0 };
  for (const a of demand) {
    // A quote first: a refused booking would also compute a week of alternatives (the costliest
    // part of a 409), where the advisor only needs the first one.
    const q = await quote(ctx, w.id, { plannedArrival: a.plannedArrival, operations: a.operations, transport: a.transport, priority: a.priority });
    if (q.ok && q.body.bookable && (await tryBook(ctx, w.id, a))) {
      seeded.booked++;
      continue;
    }
    const slot = await firstOfferedSlot(ctx, w, a);
    if (slot && (await tryBook(ctx, w.id, { ...a, plannedArrival: slot }))) seeded.moved++;
    else seeded.turnedAway++;
  }
  return { ...uc.getWorkshop(ctx, w.id), seeded };
}

/** The first slot availability offers for this request, searched one open day at a time. */
async function firstOfferedSlot(ctx: AppContext, w: Workshop, a: AppointmentInput): Promise<string | undefined> {
  const arrival = DateTime.fromISO(a.plannedArrival, { zone: w.timeZone });
  const opCodes = a.operations.map((o) => o.opCode);
  for (let d = 0; d < MOVE_WITHIN_DAYS; d++) {
    const fromMs = d === 0 ? arrival.toMillis() : arrival.startOf('day').plus({ days: d }).toMillis();
    const toMs = arrival.startOf('day').plus({ days: d + 1 }).toMillis();
    try {
      const res = await availability(ctx, w.id, { fromMs, toMs, opCodes, waiter: a.transport === 'waiter' });
      if (res.slots.length) return res.slots[0].start;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'validation_failed') return undefined; // beyond the planning horizon
      throw e;
    }
  }
  return undefined;
}

/** Books one request through the capacity-checked booking; false when it is refused (409). */
async function tryBook(ctx: AppContext, workshopId: string, a: AppointmentInput): Promise<boolean> {
  try {
    // the same critical section as a booking over HTTP (nothing else can write this workshop yet)
    await inWorkshop(ctx, workshopId, () => book(ctx, workshopId, a));
    return true;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'capacity_exhausted') return false;
    throw e;
  }
}
