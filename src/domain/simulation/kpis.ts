/**
 * The KPIs of one replication (definitions in report.ts KPIS), accumulated as the run goes:
 *  - on-time handover: share of promised repair orders ready (last op + handover buffer) by the promise;
 *  - promised and actual lead time: promise − arrival, ready − arrival (mean and P90, hours);
 *  - waiter wait: arrival → ready of customers waiting on site; check-in wait: arrival → an advisor;
 *  - technician utilisation: busy ÷ attended minutes (attended = shift time worked + overtime);
 *    productivity: minutes on repair orders (comebacks are unpaid rework) ÷ attended;
 *    efficiency: standard ÷ clocked minutes of finished work (comebacks excluded);
 *  - bay and lane utilisation: busy ÷ open (× servers) minutes; lane wait: check-in → service;
 *  - overtime per day; carry-over: checked-in repair orders still open at each day's close;
 *  - turned-away demand: requests and walk-ins that could not be booked, per day and as a share of
 *    all demand; delivered repair orders per day;
 *  - by local hour of day: arrivals, check-in wait, technician utilisation.
 */
import { dayOf, hourOf } from './calendar.js';
import { ST, type Replication } from './state.js';
import type { ReplicationResult, SimWorld } from './types.js';

export interface KpiAccumulators {
  byHourArrivals: number[];
  byHourCheckInWait: number[];
  byHourBusy: number[];
  byHourAttended: number[];
  attended: number; busy: number; busyOnRo: number; overtime: number;
  stdDone: number; clockedDone: number;
  bayBusy: number; bayOpen: number;
  laneBusy: number; laneOpen: number; laneWaitSum: number; laneWaitN: number;
  checkInWaitSum: number; checkInN: number;
  carrySum: number; closes: number;
  onTime: number; promisedN: number; waiterWaitSum: number; waiterN: number;
  promisedLead: number[];
  actualLead: number[];
}

export function newKpiAccumulators(): KpiAccumulators {
  return {
    byHourArrivals: new Array(24).fill(0), byHourCheckInWait: new Array(24).fill(0),
    byHourBusy: new Array(24).fill(0), byHourAttended: new Array(24).fill(0),
    attended: 0, busy: 0, busyOnRo: 0, overtime: 0, stdDone: 0, clockedDone: 0, bayBusy: 0, bayOpen: 0,
    laneBusy: 0, laneOpen: 0, laneWaitSum: 0, laneWaitN: 0, checkInWaitSum: 0, checkInN: 0,
    carrySum: 0, closes: 0, onTime: 0, promisedN: 0, waiterWaitSum: 0, waiterN: 0,
    promisedLead: [], actualLead: [],
  };
}

/** Adds the minutes of [s, e) to the local hour-of-day bins they fall in. */
export function spreadByHour(W: SimWorld, s: number, e: number, bins: number[]): void {
  let t = s;
  while (t < e) {
    const d = dayOf(W, t);
    const h = hourOf(W, t, d);
    const next = Math.min(e, h >= 23 ? W.dayStart[d + 1] : W.dayStart[d] + (h + 1) * 60);
    bins[h] += next - t;
    t = next > t ? next : e;
  }
}

/** A technician busy over [s, e); `onRo` unless it is a comeback (unpaid rework). */
export function addBusy(s: Replication, from: number, to: number, onRo: boolean): void {
  if (to <= from) return;
  const len = to - from;
  s.kpi.busy += len;
  if (onRo) s.kpi.busyOnRo += len;
  spreadByHour(s.W, from, to, s.kpi.byHourBusy);
}

/** A technician attending over [s, e) (on shift, or in overtime). */
export function addAttended(s: Replication, from: number, to: number): void {
  s.kpi.attended += to - from;
  spreadByHour(s.W, from, to, s.kpi.byHourAttended);
}

/** A vehicle handed over (ready at `ro.readyAt`): delivered, on time or not, its lead times, a waiter's wait. */
export function recordHandover(s: Replication, ro: Replication['ros'][number]): void {
  const k = s.kpi;
  s.counts.delivered++;
  if (!Number.isNaN(ro.promise)) {
    k.promisedN++;
    if (ro.readyAt <= ro.promise) k.onTime++;
    k.promisedLead.push(ro.promise - ro.arrival);
  }
  k.actualLead.push(ro.readyAt - ro.arrival);
  if (ro.waiter) { k.waiterWaitSum += ro.readyAt - ro.arrival; k.waiterN++; }
}

const sortedQ = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** The replication's result from its accumulators and counters. */
export function replicationResult(s: Replication): ReplicationResult {
  const { W, kpi: k, counts: c } = s;
  let openAtEnd = 0;
  for (const ro of s.ros) if (ro.counted && ro.status !== ST.ready) openAtEnd++;
  const days = W.simDays.length;
  const demandTotal = c.requests + c.walkIns + c.comebacks;
  const kpis: Record<string, number> = {
    onTimeRate: k.promisedN ? k.onTime / k.promisedN : NaN,
    promisedLeadHoursMean: mean(k.promisedLead) / 60,
    promisedLeadHoursP90: sortedQ(k.promisedLead, 0.9) / 60,
    actualLeadHoursMean: mean(k.actualLead) / 60,
    actualLeadHoursP90: sortedQ(k.actualLead, 0.9) / 60,
    waiterWaitMinutes: k.waiterN ? k.waiterWaitSum / k.waiterN : NaN,
    checkInWaitMinutes: k.checkInN ? k.checkInWaitSum / k.checkInN : NaN,
    technicianUtilisation: k.attended ? k.busy / k.attended : NaN,
    productivity: k.attended ? k.busyOnRo / k.attended : NaN,
    efficiency: k.clockedDone ? k.stdDone / k.clockedDone : NaN,
    bayUtilisation: k.bayOpen ? k.bayBusy / k.bayOpen : NaN,
    laneUtilisation: k.laneOpen ? k.laneBusy / k.laneOpen : NaN,
    laneWaitMinutes: k.laneWaitN ? k.laneWaitSum / k.laneWaitN : NaN,
    overtimeHoursPerDay: k.overtime / 60 / days,
    carryOverROsPerDay: k.closes ? k.carrySum / k.closes : 0,
    turnedAwayPerDay: c.turnedAway / days,
    turnedAwayShare: demandTotal ? c.turnedAway / demandTotal : 0,
    deliveredPerDay: c.delivered / days,
  };
  return {
    replication: s.opts.replication,
    kpis,
    byHour: {
      arrivals: k.byHourArrivals.map((x) => x / days),
      checkInWaitMinutes: k.byHourCheckInWait.map((x, h) => (k.byHourArrivals[h] ? x / k.byHourArrivals[h] : 0)),
      technicianUtilisation: k.byHourBusy.map((x, h) => (k.byHourAttended[h] ? x / k.byHourAttended[h] : 0)),
    },
    counts: {
      requests: c.requests, booked: c.booked, turnedAway: c.turnedAway, walkIns: c.walkIns, noShows: c.noShows,
      comebacks: c.comebacks, arrived: c.arrived, delivered: c.delivered, openAtEnd, laneServed: c.laneServed,
    },
    events: c.events, replans: c.replans, quotes: c.quotes, simulatedDays: c.daysDone,
  };
}
