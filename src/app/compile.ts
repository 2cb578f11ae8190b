/**
 * Compiles the stored workshop into the scheduling engine's integer-minute model: calendars in
 * the workshop zone, qualified technicians per operation (skill level, EV certification,
 * efficiency), eligible bays, releases from arrival and parts ETA, frozen in-progress work.
 * Minute 0 is the start of the as-of day in the workshop zone.
 */
import { DateTime } from 'luxon';
import { forecastDue, isQualified, jobWeight, plannedMinutes, standardMinutes } from '../domain/rules/index.js';
import { openPromiseScales } from './calibration.js';
import type { Appointment, Bay, Operation, Technician, Workshop } from '../model/workshop.js';
import type { JobFact, OpFact, SchedulingModel } from '../domain/scheduling/index.js';
import { buildCalendar, msToMin, shiftsToWeekly } from '../domain/calendar/index.js';
import type { Store } from '../store/port.js';

export interface WorkshopSnapshot {
  workshop: Workshop;
  revision: number;
  bays: Bay[];
  technicians: Technician[];
  operations: Operation[];
  /** open repair orders (booked, checked in, in progress) */
  appointments: Appointment[];
  /** the calibration scale each open promise Baywise made is read with (app/calibration.ts); absent: 1 */
  promiseScales?: Map<string, number>;
}

export interface OpRef {
  appointmentId: string;
  opIndex: number;
  opCode: string;
  /** planned minutes at standard pace (before technician efficiency) */
  standardMinutes: number;
  cv: number;
}

export interface CompiledWorkshop {
  model: SchedulingModel;
  originMs: number;
  asOfMin: number;
  opRefs: OpRef[];
  jobRefs: string[]; // appointment ids, index = job
  techIds: string[];
  bayIds: string[];
  catalogue: Map<string, Operation>;
  jobContext: JobCompileContext;
}

export const DEFAULT_HORIZON_DAYS = 21;
/** assumed wait for parts with no known ETA (minutes) */
export const UNKNOWN_PARTS_WAIT_MIN = 120;

export function loadSnapshot(store: Store, workshopId: string, workshop?: Workshop): WorkshopSnapshot | undefined {
  const w = workshop ?? store.workshops.get(workshopId);
  if (!w) return undefined;
  return {
    workshop: w,
    revision: store.workshops.revision(workshopId),
    bays: store.bays.all(workshopId).filter((b) => b.active),
    technicians: store.technicians.all(workshopId).filter((t) => t.active),
    operations: store.operations.all(workshopId),
    appointments: store.appointments.find(workshopId, { status: ['booked', 'checked_in', 'in_progress'] }),
    promiseScales: openPromiseScales(store, w),
  };
}

export function compileWorkshop(
  snap: WorkshopSnapshot,
  asOfMs: number,
  opts: { horizonDays?: number; extraAppointments?: Appointment[] } = {},
): CompiledWorkshop {
  const w = snap.workshop;
  const zone = w.timeZone;
  const originMs = DateTime.fromMillis(asOfMs, { zone }).startOf('day').toMillis();
  const asOfMin = msToMin(asOfMs, originMs);
  const fromMs = originMs + asOfMin * 60_000;
  const toMs = DateTime.fromMillis(originMs, { zone }).plus({ days: opts.horizonDays ?? DEFAULT_HORIZON_DAYS }).toMillis();
  const horizonEnd = msToMin(toMs, originMs);
  const closed = new Set(w.closedDates);

  // technicians on the same shift pattern (and absences) share one calendar
  const byPattern = new Map<string, number[]>();
  const techs = snap.technicians.map((t) => {
    const pattern = JSON.stringify([t.shifts, t.absences]);
    let work = byPattern.get(pattern);
    if (!work) {
      const minus = t.absences.map((a) => [Date.parse(a.from), Date.parse(a.to)] as const);
      byPattern.set(pattern, (work = buildCalendar({ zone, originMs, fromMs, toMs, weekly: shiftsToWeekly(t.shifts), closedDates: closed, minus })));
    }
    return { key: t.id, work };
  });
  // every bay follows the workshop's opening hours: one calendar, built once and shared
  const open = buildCalendar({ zone, originMs, fromMs, toMs, weekly: w.openingHours, closedDates: closed });
  const bays = snap.bays.map((b) => ({ key: b.id, open }));
  const techIndex = new Map(snap.technicians.map((t, i) => [t.id, i]));
  const bayIndex = new Map(snap.bays.map((b, i) => [b.id, i]));
  const catalogue = new Map(snap.operations.map((o) => [o.opCode, o]));
  const baysByCap = new Map<string, number[]>();
  snap.bays.forEach((b, i) => b.capabilities.forEach((c) => (baysByCap.get(c) ?? baysByCap.set(c, []).get(c)!).push(i)));

  const ops: OpFact[] = [];
  const jobs: JobFact[] = [];
  const opRefs: OpRef[] = [];
  const jobRefs: string[] = [];
  // working time before now, for the job clock of operations in progress (a night is not worked)
  const past = new Map<number, number[]>();
  const pastWork = (ti: number) => {
    let cal = past.get(ti);
    if (!cal) {
      const t = snap.technicians[ti];
      const weekly = shiftsToWeekly(t.shifts);
      const minus = t.absences.map((a) => [Date.parse(a.from), Date.parse(a.to)] as const);
      past.set(ti, (cal = buildCalendar({ zone, originMs, fromMs: originMs - 7 * 86400_000, toMs: fromMs, weekly, closedDates: closed, minus })));
    }
    return cal;
  };
  const ctx: JobCompileContext = { snap, originMs, asOfMin, asOfMs, toMs, techIndex, bayIndex, catalogue, baysByCap, pastWork };
  for (const a of [...snap.appointments, ...(opts.extraAppointments ?? [])]) {
    const r = compileJob(ctx, a, ops.length, jobs.length);
    if (!r) continue;
    ops.push(...r.ops);
    opRefs.push(...r.opRefs);
    jobs.push(r.job);
    jobRefs.push(a.id);
  }
  return {
    model: { horizonEnd, techs, bays, jobs, ops },
    originMs,
    asOfMin,
    opRefs,
    jobRefs,
    techIds: snap.technicians.map((t) => t.id),
    bayIds: snap.bays.map((b) => b.id),
    catalogue,
    jobContext: ctx,
  };
}

export interface JobCompileContext {
  snap: WorkshopSnapshot;
  originMs: number;
  asOfMin: number;
  /** the exact as-of instant (asOfMin is its minute, floored) */
  asOfMs: number;
  toMs: number;
  techIndex: Map<string, number>;
  bayIndex: Map<string, number>;
  catalogue: Map<string, Operation>;
  baysByCap: Map<string, number[]>;
  /** per technician: working intervals of the last week up to now (minutes from origin) */
  pastWork: (tech: number) => number[];
}

/**
 * Compiles one repair order into operation facts (indices from opBase, job index `job`), or null
 * when nothing of it is left to plan. Used for the stored book and for tentative quotes alike.
 */
export function compileJob(
  c: JobCompileContext,
  a: Appointment,
  opBase: number,
  job: number,
): { ops: OpFact[]; opRefs: OpRef[]; job: JobFact } | null {
  const { snap, originMs, asOfMin, toMs, techIndex, bayIndex, catalogue, baysByCap, pastWork } = c;
  const w = snap.workshop;
  const ops: OpFact[] = [];
  const opRefs: OpRef[] = [];
  const arrival = Date.parse(a.plannedArrival);
  if (arrival >= toMs) return null;
  // a booked vehicle that should have arrived before today and never checked in is stale (no-show to record)
  if (a.status === 'booked' && arrival < originMs) return null;
  const jobOps: number[] = [];
  const arrivalMin = Math.max(msToMin(arrival, originMs), a.status === 'booked' ? asOfMin : -Infinity);
  let prev: number | null = null;
  a.operations.forEach((o, opIndex) => {
    if (o.status === 'done') return;
    const cat = catalogue.get(o.opCode);
    const stdMin = standardMinutes(o.hours ?? cat?.standardHours ?? 1);
    const alternatives: OpFact['alternatives'] = [];
    if (cat) {
      snap.technicians.forEach((t, ti) => {
        if (isQualified(t, cat)) alternatives.push({ tech: ti, minutes: plannedMinutes(stdMin, t.efficiency) });
      });
    }
    const bayList = cat?.bayCapability ? (baysByCap.get(cat.bayCapability) ?? []) : null;
    let release = Math.max(arrivalMin, asOfMin);
    if (o.partsEta) release = Math.max(release, Math.ceil((Date.parse(o.partsEta) - originMs) / 60_000));
    if (o.status === 'paused' && o.pausedReason === 'waiting_parts' && !o.partsEta) release = Math.max(release, asOfMin + UNKNOWN_PARTS_WAIT_MIN);
    const fact: OpFact = {
      key: `${a.id}#${opIndex}`,
      // its random numbers follow what the order is, not its generated id: the same requests at the
      // same (simulated) times draw the same samples, in any workshop, on any run
      stream: `${a.createdAt}|${a.plannedArrival}|${a.transport}|${a.customer.name}|${a.vehicle.plate ?? ''}#${opIndex}`,
      job,
      release,
      splittable: cat?.splittable ?? false,
      alternatives,
      bays: bayList,
      preds: [],
      ...(cat?.parallel ? { parallel: true } : {}),
    };
    if (o.status === 'in_progress' && o.technicianId && techIndex.has(o.technicianId)) {
      const tech = techIndex.get(o.technicianId)!;
      const planned = alternatives.find((x) => x.tech === tech)?.minutes ?? stdMin;
      // model minutes are whole minutes: the start is floored to its minute, the job clock (exact,
      // from instants with seconds and milliseconds) is counted exactly and the remaining work is
      // rounded up, so the frozen span is an integer interval whatever instants the floor reported
      const started = o.startedAt ? msToMin(Date.parse(o.startedAt), originMs) : asOfMin;
      const clockFromMs = Date.parse(o.resumedAt ?? o.startedAt ?? '') || c.asOfMs;
      const worked = (o.workedMinutes ?? 0) + workingMinutes(pastWork(tech), (clockFromMs - originMs) / 60_000, (c.asOfMs - originMs) / 60_000);
      const remaining = Math.max(Math.ceil(planned - worked - 1e-9), Math.ceil(planned * 0.1), 5);
      fact.fixed = {
        tech,
        bay: o.bayId && bayIndex.has(o.bayId) ? bayIndex.get(o.bayId)! : -1,
        start: Math.min(started, asOfMin),
        end: asOfMin + remaining,
      };
    }
    const idx = opBase + ops.length;
    if (prev !== null && !cat?.parallel) fact.preds = [prev];
    if (!cat?.parallel) prev = idx;
    ops.push(fact);
    jobOps.push(idx);
    opRefs.push({ appointmentId: a.id, opIndex, opCode: o.opCode, standardMinutes: stdMin, cv: cat?.cv ?? 0.35 });
  });
  if (!jobOps.length) return null;
  const weight = jobWeight({ waiter: a.transport === 'waiter', highPriority: a.priority === 'high' }, w.policy);
  const promiseMin = a.promisedAt ? msToMin(Date.parse(a.promisedAt), originMs) : null;
  const due = promiseMin === null ? null : promiseMin - w.policy.handoverBufferMinutes;
  // a calibrated promise is read on the forecast at its raw equivalent (rules/calibration.ts)
  const scale = snap.promiseScales?.get(a.id) ?? 1;
  const readDue = promiseMin === null || scale === 1 ? due : forecastDue(msToMin(Date.parse(a.plannedArrival), originMs), promiseMin, scale, w.policy.handoverBufferMinutes);
  return { ops, opRefs, job: { key: a.id, release: Math.min(...ops.map((o) => o.release)), due, ...(readDue !== due ? { forecastDue: readDue } : {}), weight, ops: jobOps } };
}

/** Minutes of [from, to) that fall inside the flat interval list cal. */
export function workingMinutes(cal: readonly number[], from: number, to: number): number {
  let m = 0;
  for (let i = 0; i < cal.length; i += 2) m += Math.max(0, Math.min(cal[i + 1], to) - Math.max(cal[i], from));
  return m;
}
