/**
 * The replay's world, what the client knows and the service does not: the workshops (scenario
 * files), the technicians' working time (shifts minus breaks, closed dates), the TRUE durations
 * (a "truth" per op code: bias and spread the catalogue does not know), and the demand (booking
 * calls with their wanted arrival, transport, job and no-show fate). Everything is drawn from
 * seeded streams keyed by what it describes, so the same request gets the same job, the same
 * arrival and the same true durations in every run of every target and truth (common random
 * numbers: targets and truths are compared on the same customers).
 */
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { Scenario } from '../../src/model/scenario.js';
import { Rng } from '../../src/lib/random.js';

export const MIN = 60_000;
const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Wd = (typeof WEEKDAY_KEYS)[number];

export function readScenario(path: string): Scenario {
  return Scenario.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** A stream keyed by integers (seed, purpose, ids…): independent of the order things are drawn in. */
export function keyed(...keys: number[]): Rng {
  let h = 0x811c9dc5;
  for (const k of keys) {
    h = Math.imul(h ^ (k >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return new Rng(h);
}

export function strKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

// --- calendars ------------------------------------------------------------------------------------
const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

export class Calendar {
  constructor(
    readonly zone: string,
    readonly startDate: string,
  ) {}
  /** epoch ms of local date + minutes of day */
  at(dayIndex: number, minuteOfDay: number): number {
    return DateTime.fromISO(this.startDate, { zone: this.zone }).plus({ days: dayIndex }).startOf('day').plus({ minutes: minuteOfDay }).toMillis();
  }
  date(dayIndex: number): string {
    return DateTime.fromISO(this.startDate, { zone: this.zone }).plus({ days: dayIndex }).toISODate()!;
  }
  weekday(dayIndex: number): Wd {
    return WEEKDAY_KEYS[DateTime.fromISO(this.startDate, { zone: this.zone }).plus({ days: dayIndex }).weekday - 1];
  }
  localDate(ms: number): string {
    return DateTime.fromMillis(ms, { zone: this.zone }).toISODate()!;
  }
  iso(ms: number): string {
    return DateTime.fromMillis(ms, { zone: this.zone }).toISO({ suppressMilliseconds: true })!;
  }
}

/** Working intervals [start, end) in epoch ms of each technician (in scenario order), over `days` days. */
export function workingIntervals(s: Scenario, cal: Calendar, days: number): [number, number][][] {
  const closed = new Set(s.workshop.closedDates);
  return s.technicians.map((t) => {
    const out: [number, number][] = [];
    for (let d = 0; d < days; d++) {
      if (closed.has(cal.date(d))) continue;
      const wd = cal.weekday(d);
      for (const sh of t.shifts.filter((x) => x.weekday === wd).sort((a, b) => hm(a.start) - hm(b.start))) {
        let from = hm(sh.start);
        for (const b of [...sh.breaks].sort((x, y) => hm(x.start) - hm(y.start))) {
          if (hm(b.start) > from) out.push([cal.at(d, from), cal.at(d, hm(b.start))]);
          from = Math.max(from, hm(b.end));
        }
        if (hm(sh.end) > from) out.push([cal.at(d, from), cal.at(d, hm(sh.end))]);
      }
    }
    return out;
  });
}

/** Opening range [open, close] in minutes of the day, or null when closed. */
export function openingOf(s: Scenario, cal: Calendar, d: number): { open: number; close: number } | null {
  if (s.workshop.closedDates.includes(cal.date(d))) return null;
  const r = s.workshop.openingHours[cal.weekday(d)];
  if (!r.length) return null;
  return { open: Math.min(...r.map((x) => hm(x.start))), close: Math.max(...r.map((x) => hm(x.end))) };
}

// --- truths -----------------------------------------------------------------------------------------
export interface Truth {
  name: string;
  description: string;
  /** bias (mean actual ÷ planned at the stated efficiency) and cv of an op code */
  of(opCode: string): { bias: number; cv: number };
}

/** The scenario's own truth (`demand.truth`); without one, the catalogue is right (bias 1, its cv). */
export function scenarioTruth(s: Scenario): Truth {
  const cat = new Map(s.operations.map((o) => [o.opCode, o]));
  const t = s.demand.truth;
  return {
    name: 'scenario',
    description: t ? "the scenario file's truth (per op code bias and cv; others as the catalogue)" : 'the catalogue is right (bias 1, catalogue cv): the scenario has no truth',
    of: (c) => {
      const o = t?.opCodes?.[c];
      const d = t?.default;
      return { bias: o?.bias ?? d?.bias ?? 1, cv: o?.cv ?? d?.cv ?? cat.get(c)!.cv };
    },
  };
}

/**
 * A second truth the service was never told: every job 20% slower than the flat rate (×1.35 for
 * diagnosis and electrical work), with 1.6× the spread the catalogue believes (at most 1.0).
 */
export function slowTruth(s: Scenario): Truth {
  const cat = new Map(s.operations.map((o) => [o.opCode, o]));
  return {
    name: 'slow',
    description: 'slower and more variable: bias 1.2 (1.35 diagnosis/electrical), cv 1.6× the catalogue (≤ 1.0)',
    of: (c) => {
      const o = cat.get(c)!;
      return { bias: ['diagnosis', 'electrical'].includes(o.skill) ? 1.35 : 1.2, cv: Math.min(1, 1.6 * o.cv) };
    },
  };
}

/** Lognormal with mean 1 and the given cv from a standard normal draw z (common random numbers across truths). */
export function lognormalFactor(z: number, cv: number): number {
  if (cv <= 0) return 1;
  const s2 = Math.log(1 + cv * cv);
  return Math.exp(Math.sqrt(s2) * z - s2 / 2);
}

// --- demand -----------------------------------------------------------------------------------------
export interface Request {
  idx: number;
  /** when the customer calls (epoch ms) */
  callMs: number;
  /** wanted arrival (epoch ms, on the slot grid) */
  wantedMs: number;
  arrivalDay: number;
  waiter: boolean;
  opCodes: string[];
  noShow: boolean;
  /** actual arrival − planned arrival, minutes */
  jitterMin: number;
  /** standard normal per operation: its true duration's draw */
  z: number[];
}

export interface DemandOptions {
  seed: number;
  days: number;
  load: number;
  waiterShare: number;
  sameDayShare: number;
  maxLeadDays: number;
}

function pickWeighted<T>(rng: Rng, items: T[], weight: (t: T) => number): T {
  const total = items.reduce((a, t) => a + weight(t), 0);
  let u = rng.next() * total;
  for (const t of items) if ((u -= weight(t)) < 0) return t;
  return items[items.length - 1];
}

/**
 * Booking requests by wanted arrival day: Poisson(appointmentsPerDay × load) a day; the job from
 * the job mix, the hour from the arrival profile (on the slot grid, inside opening hours);
 * waiters among the short jobs (≤ waiterMaxHours) so that about `waiterShare` of all requests
 * wait; a share called the same day (1–4 h before), the others 1..maxLeadDays days ahead (calls
 * before the first day are made on its first morning); no-shows at the scenario's rate.
 */
export function demand(s: Scenario, cal: Calendar, o: DemandOptions): Request[] {
  const cat = new Map(s.operations.map((x) => [x.opCode, x]));
  const hours = (codes: string[]) => codes.reduce((a, c) => a + cat.get(c)!.standardHours, 0);
  const mix = s.demand.jobMix;
  const totalW = mix.reduce((a, m) => a + m.weight, 0);
  const eligibleW = mix.filter((m) => hours(m.opCodes) <= s.demand.waiterMaxHours).reduce((a, m) => a + m.weight, 0);
  const pWait = eligibleW > 0 ? Math.min(1, (o.waiterShare * totalW) / eligibleW) : 0;
  const slot = s.workshop.slotMinutes;
  const profile = Object.entries(s.demand.arrivalProfile).map(([h, w]) => ({ h: Number(h), w }));
  const out: Request[] = [];
  const wsKey = strKey(s.name);
  for (let d = 0; d < o.days; d++) {
    const open = openingOf(s, cal, d);
    if (!open) continue;
    const rng = keyed(o.seed, wsKey, 1, d);
    const n = rng.poisson(s.demand.appointmentsPerDay[cal.weekday(d)] * o.load);
    const day: Request[] = [];
    for (let i = 0; i < n; i++) {
      const job = pickWeighted(rng, mix, (m) => m.weight);
      const hour = pickWeighted(rng, profile, (p) => p.w).h;
      let minute = hour * 60 + Math.floor((rng.next() * 60) / slot) * slot;
      minute = Math.min(Math.max(minute, Math.ceil(open.open / slot) * slot), Math.floor((open.close - 60) / slot) * slot);
      const waiter = hours(job.opCodes) <= s.demand.waiterMaxHours && rng.next() < pWait;
      const sameDay = rng.next() < o.sameDayShare;
      const lead = sameDay ? 0 : 1 + rng.int(o.maxLeadDays);
      const wantedMs = cal.at(d, minute);
      let callMs: number;
      if (sameDay) callMs = Math.max(cal.at(d, 6 * 60), wantedMs - (60 + rng.int(181)) * MIN);
      else if (d - lead >= 0) callMs = cal.at(d - lead, 8 * 60 + rng.int(10 * 60));
      else callMs = cal.at(0, 5 * 60); // before the replay began: booked on its first morning
      const noShow = rng.next() < s.demand.noShowRate;
      const jitterMin = Math.max(-10, Math.min(20, Math.round(rng.normal() * 6)));
      const z = job.opCodes.map(() => rng.normal());
      day.push({ idx: 0, callMs, wantedMs, arrivalDay: d, waiter, opCodes: job.opCodes, noShow, jitterMin, z });
    }
    out.push(...day);
  }
  out.sort((a, b) => a.callMs - b.callMs || a.wantedMs - b.wantedMs);
  out.forEach((r, i) => (r.idx = i));
  return out;
}
