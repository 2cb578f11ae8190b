/**
 * The queueing computations of the HTTP layer as functions of plain data, so they can run either
 * on the event loop (cheap) or in a bounded worker (src/lib/compute.ts loads this module by URL
 * and calls one export with a structured-clone copy of its input). No store, clock or logger here.
 */
import { DateTime } from 'luxon';
import { conditionalWait, estimate, ggc, staffing, timeVarying, type ConditionalWaitInput, type EstimateRequest } from '../domain/queueing/index.js';
import { buildCalendar, shiftsToWeekly } from '../domain/calendar/index.js';
import { isQualified, standardMinutes } from '../domain/rules/index.js';
import type { Appointment, Bay, Operation, Technician, Workshop } from '../model/workshop.js';

const msToZoned = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
import { Rng } from '../lib/random.js';

/** URL of this module (a .ts file under tsx/vitest, .js when compiled) for the worker to import. */
export const TASKS_MODULE = import.meta.url;

export function estimateModel(request: EstimateRequest) {
  return estimate(request);
}

export interface ReceptionInput {
  /** expected arrivals per minute, one per open hour */
  rates: number[];
  advisors: number;
  /** check-ins per minute per advisor */
  serviceRate: number;
  waitTargetMinutes: number;
  waitTargetShare: number;
}

/** The day's check-in queue with the advisors on duty, and the advisors needed per hour. */
export function receptionModels(r: ReceptionInput) {
  const tv = timeVarying({ arrivalRates: r.rates, servers: r.advisors, serviceRate: r.serviceRate, waitThresholds: [r.waitTargetMinutes] });
  const st = staffing(receptionStaffing(r));
  return { tv, st };
}

export function receptionStaffing(r: ReceptionInput) {
  return {
    arrivalRates: r.rates,
    serviceRate: r.serviceRate,
    target: { kind: 'wait_within' as const, maxWait: r.waitTargetMinutes, probability: r.waitTargetShare },
    method: 'ode' as const,
    minServers: 1,
    maxServers: 200,
  };
}

export interface WalkInInput {
  wait: ConditionalWaitInput;
  /** the walk-in's own work: standard minutes and coefficient of variation */
  ownStd: number;
  ownCv: number;
  handoverBufferMinutes: number;
  /** minutes until the lane closes today */
  minutesToClose: number;
  /** ready-time quantile levels asked for (the promise's target among them) */
  levels: number[];
  samples: number;
  seed: number;
}

/**
 * Wait of a walk-in given the lane's live state, and its ready time = wait + own service + handover
 * buffer, convolved by Monte Carlo: the wait sampled through its quantile function (levels 1–99%),
 * the own work from the lognormal duration model.
 */
export function walkInModel(q: WalkInInput) {
  const wait = conditionalWait(q.wait);
  const rng = new Rng(q.seed);
  const qt = wait.quantiles.map((x) => x.t);
  const last = qt.length - 1;
  const N = q.samples;
  const total = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const u = rng.next() * last;
    const k = Math.floor(u);
    const wv = qt[k] + (qt[Math.min(k + 1, last)] - qt[k]) * (u - k);
    total[i] = wv + rng.lognormalMeanCv(q.ownStd, q.ownCv) + q.handoverBufferMinutes;
  }
  total.sort();
  let fit = 0;
  for (let i = 0; i < N; i++) if (total[i] <= q.minutesToClose) fit++;
  return {
    wait,
    ready: q.levels.map((p) => ({ q: p, t: total[Math.min(N - 1, Math.floor(p * N))] })),
    probReadyBeforeClose: fit / N,
  };
}

export interface OutlookInput {
  workshop: Workshop;
  techs: Technician[];
  bays: Bay[];
  catalogue: Operation[];
  apts: Appointment[];
  fromMs: number;
  toMs: number;
}

/** Work units of an outlook: a calendar build per technician and day, and the day's operations. */
export function outlookWork(i: OutlookInput): number {
  const days = Math.ceil((i.toMs - i.fromMs) / 86400_000) + 1;
  const ops = i.apts.reduce((s, a) => s + a.operations.length, 0);
  return days * (i.techs.length + 2) * 20_000 + ops * (i.techs.length + 10) * 10;
}

/** Load versus capacity per day by skill and bay capability, with the M/G/c lead time of unplanned work. */
export function outlookModel(i: OutlookInput) {
  const { workshop: w, techs, bays, apts, fromMs, toMs } = i;
  const workshopId = w.id;
  const zone = w.timeZone;
  const catalogue = new Map(i.catalogue.map((o) => [o.opCode, o]));
  const closed = new Set(w.closedDates);
  const days: unknown[] = [];
  for (let day = DateTime.fromMillis(fromMs, { zone }).startOf('day'); day.toMillis() < toMs; day = day.plus({ days: 1 })) {
    const d0 = day.toMillis();
    const d1 = day.plus({ days: 1 }).toMillis();
    const minutes = (cal: number[]) => cal.reduce((s, v, i) => s + (i % 2 ? v - cal[i - 1] : 0), 0);
    const techMinutes = techs.map((t) => ({
      t,
      min: minutes(buildCalendar({ zone, originMs: d0, fromMs: d0, toMs: d1, weekly: shiftsToWeekly(t.shifts), closedDates: closed, minus: t.absences.map((a) => [Date.parse(a.from), Date.parse(a.to)] as const) })),
    }));
    const openMin = minutes(buildCalendar({ zone, originMs: d0, fromMs: d0, toMs: d1, weekly: w.openingHours, closedDates: closed }));
    const bySkill = new Map<string, { capacity: number; load: number }>();
    for (const { t, min } of techMinutes)
      for (const skill of Object.keys(t.skills)) {
        const e = bySkill.get(skill) ?? { capacity: 0, load: 0 };
        e.capacity += min * t.efficiency; // standard minutes the technician can flag
        bySkill.set(skill, e);
      }
    const byCap = new Map<string, { capacity: number; load: number }>();
    for (const b of bays)
      for (const c of b.capabilities) {
        const e = byCap.get(c) ?? { capacity: 0, load: 0 };
        e.capacity += openMin;
        byCap.set(c, e);
      }
    const dayApts = apts.filter((a) => Date.parse(a.plannedArrival) >= d0 && Date.parse(a.plannedArrival) < d1);
    let totalLoad = 0;
    for (const a of dayApts)
      for (const o of a.operations) {
        if (o.status === 'done') continue;
        const cat = catalogue.get(o.opCode);
        if (!cat) continue;
        const std = standardMinutes(o.hours ?? cat.standardHours);
        totalLoad += std;
        const s = bySkill.get(cat.skill) ?? { capacity: 0, load: 0 };
        s.load += std;
        bySkill.set(cat.skill, s);
        if (cat.bayCapability) {
          const c = byCap.get(cat.bayCapability) ?? { capacity: 0, load: 0 };
          // bay minutes at the efficiency of a technician qualified for it (skill level and EV certification)
          c.load += std / (techs.find((t) => isQualified(t, cat))?.efficiency ?? 1);
          byCap.set(cat.bayCapability, c);
        }
      }
    const working = techMinutes.filter((x) => x.min > 0);
    const capacity = working.reduce((s, x) => s + x.min * x.t.efficiency, 0);
    const round = (x: number) => Math.round(x * 10) / 10;
    const util = (l: number, c: number) => (c > 0 ? Math.round((l / c) * 1000) / 1000 : null);
    // Lead time of one more unplanned repair order: the day's work as an M/G/c queue over the
    // open hours, c = technicians on duty, service = mean repair order work at their efficiency.
    let leadTime: unknown = null;
    if (working.length && openMin > 0 && dayApts.length) {
      const meanEff = capacity / working.reduce((s, x) => s + x.min, 0);
      const meanRo = totalLoad / dayApts.length / meanEff;
      const lambda = dayApts.length / openMin;
      const res = ggc({ arrivalRate: lambda, serviceRate: 1 / meanRo, servers: working.length, arrivalCv: 1, serviceCv: 0.7, method: 'whitt' });
      leadTime = res.stable
        ? { stable: true, method: res.method, meanWaitMinutes: round(res.meanWait), meanLeadTimeMinutes: round(res.meanWait + meanRo), utilisation: round(res.utilisation) }
        : { stable: false, method: res.method, utilisation: round(res.utilisation), growth: res.growth };
    }
    days.push({
      date: day.toISODate(),
      open: openMin > 0,
      appointments: dayApts.length,
      loadStandardMinutes: round(totalLoad),
      capacityStandardMinutes: round(capacity),
      utilisation: util(totalLoad, capacity),
      bySkill: [...bySkill].map(([skill, v]) => ({ skill, loadMinutes: round(v.load), capacityMinutes: round(v.capacity), utilisation: util(v.load, v.capacity) })),
      byBayCapability: [...byCap].map(([capability, v]) => ({ capability, loadMinutes: round(v.load), capacityMinutes: round(v.capacity), utilisation: util(v.load, v.capacity) })),
      unplannedLeadTime: leadTime,
    });
  }
  return { workshopId, from: msToZoned(fromMs, zone), to: msToZoned(toMs, zone), days };
}
