/**
 * One replay run: one workshop × one truth × one target, driven through HTTP in simulated time.
 *
 * 1. The workshop is built through the API from its scenario (workshop, bays, technicians,
 *    catalogue), then its policy's targetOnTime is set by PATCH.
 * 2. Customers call (asOf = the call) and book through the capacity-checked booking (POST
 *    …/appointments without promisedAt) at their wanted arrival; on 409 they take the first of
 *    the `alternatives` (up to three tries), with none they are turned away.
 * 3. The floor follows the service's plan: whenever a technician on shift is idle, the client
 *    reads GET …/plan?asOf=now (again after each of its own writes) and starts the first pending
 *    operation of that technician's sequence once its planned start has come, provided the car has
 *    arrived, no other operation of the car is on, and the planned bay is free. Operations take
 *    their TRUE working time (standard ÷ stated efficiency × truth bias × lognormal(cv));
 *    a splittable one pauses at the end of its technician's working interval and resumes at the
 *    next, a non-splittable one is finished in overtime. Every job-clock event is reported with
 *    `at` = `asOf` = the instant it happened: checked_in, op_started (planned technician and bay),
 *    op_paused / op_resumed, op_finished. No-shows are marked no_show 30 minutes after their slot.
 * 4. Each morning at 06:00 the at-risk list (threshold 0.999) is polled: every listed car is a
 *    prediction "misses with probability 1 − p", scored against what happened.
 *
 * Not modelled: walk-ins, parts delays, technician absences, comebacks, approval pauses.
 * Everything the client decides is a function of the seed and of the service's answers, taken
 * in a fixed order (one write at a time), so a deterministic service gives the same run twice.
 */
import { writeFileSync } from 'node:fs';
import { fixedRulePromise } from '../../src/domain/rules/promise.js';
import type { Scenario } from '../../src/model/scenario.js';
import { Client, newTally, type Tally } from './client.js';
import { Calendar, demand, lognormalFactor, MIN, workingIntervals, type DemandOptions, type Request, type Truth } from './world.js';

export interface RunConfig {
  base: string;
  scenario: Scenario;
  label: string;
  truth: Truth;
  target: number;
  startDate: string;
  days: number;
  warmup: number;
  drainDays: number;
  demand: DemandOptions;
  /** at most this many requests in the run (a safety bound) */
  maxRequests: number;
  /** and at most this much wall time */
  maxWallMs: number;
  log?: (s: string) => void;
}

export interface CarResult {
  idx: number;
  waiter: boolean;
  sameDay: boolean;
  scored: boolean;
  arrivalMs: number;
  promiseMs: number;
  readyMs: number | null;
  fixedMs: number;
  quoteP50Ms: number | null;
  plannedFinishMs: number | null;
}

export interface RiskFlag {
  car: number;
  morning: number;
  predictedMiss: number;
}

export interface RunResult {
  label: string;
  workshop: string;
  truth: string;
  target: number;
  requests: number;
  refusedFirst: number;
  turnedAway: number;
  cars: CarResult[];
  noShows: number;
  flags: RiskFlag[];
  unfinished: number;
  tally: Tally;
  wallMs: number;
  simulatedDays: number;
  stoppedEarly: string | null;
}

interface OpState {
  code: string;
  hours: number;
  splittable: boolean;
  parallel: boolean;
  needsBay: boolean;
  z: number;
  status: 'pending' | 'running' | 'paused' | 'done';
  tech: number;
  bay: string | null;
  remainingMs: number;
  segStart: number;
}

interface Car {
  idx: number;
  req: Request;
  id: string;
  plannedMs: number;
  promiseMs: number;
  sameDay: boolean;
  arrived: boolean;
  gone: boolean; // no-show marked
  ops: OpState[];
  readyMs: number | null;
  quoteP50Ms: number | null;
  plannedFinishMs: number | null;
}

interface Tech {
  i: number;
  id: string;
  efficiency: number;
  intervals: [number, number][];
  busy: { car: Car; op: number } | null;
}

type Ev =
  | { kind: 'finish'; car: Car; op: number }
  | { kind: 'intervalEnd'; tech: Tech }
  | { kind: 'noShow'; car: Car }
  | { kind: 'arrive'; car: Car }
  | { kind: 'intervalStart'; tech: Tech }
  | { kind: 'morning'; day: number }
  | { kind: 'call'; req: Request }
  | { kind: 'wake' };

const PRIO: Record<Ev['kind'], number> = { finish: 0, intervalEnd: 1, noShow: 2, arrive: 3, intervalStart: 4, morning: 5, call: 6, wake: 7 };

/** A binary min-heap on (time, priority, insertion order): ties are broken the same way every run. */
class Agenda {
  private h: { t: number; p: number; s: number; e: Ev }[] = [];
  private seq = 0;
  push(t: number, e: Ev) {
    const x = { t, p: PRIO[e.kind], s: this.seq++, e };
    const h = this.h;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const j = (i - 1) >> 1;
      if (!this.less(h[i], h[j])) break;
      [h[i], h[j]] = [h[j], h[i]];
      i = j;
    }
  }
  peekTime(): number | undefined {
    return this.h[0]?.t;
  }
  pop(): { t: number; e: Ev } {
    const h = this.h;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return { t: top.t, e: top.e };
  }
  get size() {
    return this.h.length;
  }
  private less(a: { t: number; p: number; s: number }, b: { t: number; p: number; s: number }) {
    return a.t < b.t || (a.t === b.t && (a.p < b.p || (a.p === b.p && a.s < b.s)));
  }
}

interface PlanItem {
  appointmentId: string;
  opIndex: number;
  technicianId: string;
  bayId: string | null;
  startMs: number;
  endMs: number;
}

let traceCount = 0;

export async function runReplay(cfg: RunConfig): Promise<RunResult> {
  const t0 = performance.now();
  const s = cfg.scenario;
  const zone = s.workshop.timeZone;
  const cal = new Calendar(zone, cfg.startDate);
  const tally = newTally();
  const http = new Client(cfg.base, tally);
  const iso = (ms: number) => cal.iso(ms);
  const log = cfg.log ?? (() => undefined);

  // --- 1. the workshop, through the API ---------------------------------------------------------
  const ok = <T>(r: { status: number; body: T }, what: string): T => {
    if (r.status < 200 || r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
    return r.body;
  };
  const ws = ok(await http.call('POST', '/v1/workshops', { body: { ...s.workshop, name: `${s.workshop.name} · ${cfg.label}`.slice(0, 200) } }), 'create workshop') as { id: string };
  const wid = ws.id;
  ok(await http.call('PATCH', `/v1/workshops/${wid}`, { body: { policy: { targetOnTime: cfg.target } } }), 'set the target');
  const bayIds: string[] = [];
  for (const b of s.bays) bayIds.push((ok(await http.call('POST', `/v1/workshops/${wid}/bays`, { body: b }), 'bay') as { id: string }).id);
  const allDays = cfg.days + cfg.drainDays;
  const intervals = workingIntervals(s, cal, allDays + 7);
  const techs: Tech[] = [];
  for (const [i, t] of s.technicians.entries()) {
    const id = (ok(await http.call('POST', `/v1/workshops/${wid}/technicians`, { body: t }), 'technician') as { id: string }).id;
    techs.push({ i, id, efficiency: t.efficiency, intervals: intervals[i], busy: null });
  }
  for (const o of s.operations) ok(await http.call('POST', `/v1/workshops/${wid}/operations`, { body: o }), 'operation');
  const cat = new Map(s.operations.map((o) => [o.opCode, o]));

  // --- the agenda -------------------------------------------------------------------------------
  const agenda = new Agenda();
  const endMs = cal.at(allDays, 0);
  const reqs = demand(s, cal, cfg.demand);
  for (const r of reqs) agenda.push(r.callMs, { kind: 'call', req: r });
  for (const t of techs)
    for (const [a, b] of t.intervals) {
      if (a >= endMs) break;
      agenda.push(a, { kind: 'intervalStart', tech: t });
      agenda.push(b, { kind: 'intervalEnd', tech: t });
    }
  for (let d = 0; d < allDays; d++) agenda.push(cal.at(d, 6 * 60), { kind: 'morning', day: d });

  const cars: Car[] = [];
  const carById = new Map<string, Car>();
  const bayBusy = new Map<string, Car>();
  const flags: RiskFlag[] = [];
  const wakes = new Set<number>();
  let refusedFirst = 0;
  let turnedAway = 0;
  let dirty = true;
  let plan: Map<string, PlanItem[]> = new Map();
  let stoppedEarly: string | null = null;

  const currentInterval = (t: Tech, at: number) => t.intervals.find(([a, b]) => a <= at && at < b);
  const trueMs = (car: Car, o: OpState, tech: Tech) => {
    const { bias, cv } = cfg.truth.of(o.code);
    const minutes = ((o.hours * 60) / tech.efficiency) * bias * lognormalFactor(o.z, cv);
    return Math.max(1, Math.round(minutes)) * MIN;
  };
  const event = async (car: Car, at: number, body: Record<string, unknown>) => {
    const r = await http.call('POST', `/v1/appointments/${car.id}/events`, { body: { ...body, at: iso(at) }, asOf: iso(at), expect: [] });
    dirty = true;
    return r;
  };

  // --- 2. booking ---------------------------------------------------------------------------------
  async function call(req: Request, now: number) {
    const body = (arrivalMs: number) => ({
      customer: { name: `Customer ${req.idx}` },
      vehicle: { plate: `RP-${req.idx}` },
      plannedArrival: iso(arrivalMs),
      transport: req.waiter ? 'waiter' : 'drop_off',
      operations: req.opCodes.map((opCode) => ({ opCode })),
    });
    let arrival = req.wantedMs;
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await http.call('POST', `/v1/workshops/${wid}/appointments`, { body: body(arrival), asOf: iso(now), expect: [409, 422] });
      dirty = true;
      if (r.status === 201) {
        const plannedMs = Date.parse(r.body.plannedArrival);
        const car: Car = {
          idx: req.idx,
          req,
          id: r.body.id,
          plannedMs,
          promiseMs: Date.parse(r.body.promisedAt),
          sameDay: cal.localDate(now) === cal.localDate(plannedMs),
          arrived: false,
          gone: false,
          ops: req.opCodes.map((c, j) => {
            const o = cat.get(c)!;
            return { code: c, hours: o.standardHours, splittable: o.splittable, parallel: o.parallel, needsBay: o.bayCapability !== null, z: req.z[j], status: 'pending', tech: -1, bay: null, remainingMs: 0, segStart: 0 };
          }),
          readyMs: null,
          quoteP50Ms: r.body.quote?.quantiles?.p50 ? Date.parse(r.body.quote.quantiles.p50) : null,
          plannedFinishMs: r.body.quote?.plannedFinish ? Date.parse(r.body.quote.plannedFinish) : null,
        };
        cars.push(car);
        carById.set(car.id, car);
        if (req.noShow) agenda.push(plannedMs + 30 * MIN, { kind: 'noShow', car });
        else agenda.push(Math.max(now + MIN, plannedMs + req.jitterMin * MIN), { kind: 'arrive', car });
        return;
      }
      if (attempt === 0) refusedFirst++;
      if (r.status !== 409 || !r.body?.alternatives?.length) log(`  ${cfg.label}: booking ${req.idx} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      const alt = r.status === 409 ? r.body?.alternatives?.[0]?.start : undefined;
      if (!alt) break;
      arrival = Date.parse(alt);
    }
    turnedAway++;
  }

  // --- 3. the floor -------------------------------------------------------------------------------
  async function readPlan(now: number) {
    const r = await http.call('GET', `/v1/workshops/${wid}/plan`, { asOf: iso(now) });
    dirty = false;
    const next = new Map<string, PlanItem[]>();
    if (r.status !== 200) return;
    for (const a of r.body.assignments as { appointmentId: string; opIndex: number; technicianId: string; bayId: string | null; start: string; end: string }[]) {
      const item = { ...a, startMs: Date.parse(a.start), endMs: Date.parse(a.end) };
      (next.get(a.technicianId) ?? next.set(a.technicianId, []).get(a.technicianId)!).push(item);
    }
    for (const xs of next.values()) xs.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
    plan = next;
  }

  const startable = (car: Car, opIndex: number, bayId: string | null) => {
    if (!car.arrived || car.gone || car.readyMs !== null) return false;
    const o = car.ops[opIndex];
    if (!o || o.status !== 'pending') return false;
    if (car.ops.some((x, j) => j !== opIndex && (x.status === 'running' || x.status === 'paused') && !(x.parallel && o.parallel))) return false;
    if (o.needsBay && (!bayId || bayBusy.has(bayId))) return false;
    return true;
  };

  async function start(tech: Tech, car: Car, opIndex: number, bayId: string | null, now: number) {
    const o = car.ops[opIndex];
    const r = await event(car, now, { type: 'op_started', opIndex, technicianId: tech.id, ...(bayId ? { bayId } : {}) });
    if (r.status !== 201) return false;
    o.status = 'running';
    o.tech = tech.i;
    o.bay = o.needsBay ? bayId : null;
    if (o.bay) bayBusy.set(o.bay, car);
    o.remainingMs = trueMs(car, o, tech);
    o.segStart = now;
    tech.busy = { car, op: opIndex };
    scheduleFinish(tech, car, opIndex, now);
    return true;
  }

  function scheduleFinish(tech: Tech, car: Car, opIndex: number, now: number) {
    const o = car.ops[opIndex];
    const iv = currentInterval(tech, now);
    // a splittable job stops at the end of the working interval (intervalEnd pauses it)
    if (!o.splittable || !iv || now + o.remainingMs <= iv[1]) agenda.push(now + o.remainingMs, { kind: 'finish', car, op: opIndex });
  }

  async function dispatch(now: number) {
    for (let pass = 0; pass < 50; pass++) {
      let started = false;
      for (const tech of techs) {
        if (tech.busy || !currentInterval(tech, now)) continue;
        if (dirty) await readPlan(now);
        const seq = (plan.get(tech.id) ?? []).filter((p) => {
          const car = carById.get(p.appointmentId);
          return car && !car.gone && car.readyMs === null && car.ops[p.opIndex]?.status === 'pending';
        });
        const next = seq[0];
        if (!next) continue;
        if (next.startMs > now) {
          if (!wakes.has(next.startMs)) {
            wakes.add(next.startMs);
            agenda.push(next.startMs, { kind: 'wake' });
          }
          continue;
        }
        const car = carById.get(next.appointmentId)!;
        if (!startable(car, next.opIndex, next.bayId)) continue;
        if (await start(tech, car, next.opIndex, next.bayId, now)) started = true;
      }
      if (!started) return;
    }
  }

  async function handle(now: number, e: Ev) {
    switch (e.kind) {
      case 'call':
        return call(e.req, now);
      case 'arrive': {
        const r = await event(e.car, now, { type: 'checked_in' });
        if (r.status === 201) e.car.arrived = true;
        return;
      }
      case 'noShow': {
        await http.call('PATCH', `/v1/appointments/${e.car.id}`, { body: { status: 'no_show' }, asOf: iso(now) });
        e.car.gone = true;
        dirty = true;
        return;
      }
      case 'finish': {
        const o = e.car.ops[e.op];
        const tech = techs[o.tech];
        const r = await event(e.car, now, { type: 'op_finished', opIndex: e.op });
        o.status = 'done';
        o.remainingMs = 0;
        if (o.bay) bayBusy.delete(o.bay);
        tech.busy = null;
        if (r.status === 201 && r.body.appointment?.status === 'ready') e.car.readyMs = Date.parse(r.body.appointment.readyAt ?? iso(now));
        else if (e.car.ops.every((x) => x.status === 'done')) e.car.readyMs = now; // the service disagreed: scored by the floor's clock, tallied as unexpected
        return;
      }
      case 'intervalEnd': {
        const b = e.tech.busy;
        if (!b) return;
        const o = b.car.ops[b.op];
        if (o.status !== 'running' || !o.splittable) return; // a non-splittable job is finished in overtime
        o.remainingMs -= now - o.segStart;
        if (o.remainingMs <= 0) return; // its finish is due now
        await event(b.car, now, { type: 'op_paused', opIndex: b.op, reason: 'other' });
        o.status = 'paused';
        return;
      }
      case 'intervalStart': {
        const b = e.tech.busy;
        if (!b) return;
        const o = b.car.ops[b.op];
        if (o.status !== 'paused') return;
        await event(b.car, now, { type: 'op_resumed', opIndex: b.op });
        o.status = 'running';
        o.segStart = now;
        scheduleFinish(e.tech, b.car, b.op, now);
        return;
      }
      case 'morning': {
        const r = await http.call('GET', `/v1/workshops/${wid}/at-risk`, { asOf: iso(now), query: { threshold: '0.999' } });
        if (r.status === 200)
          for (const it of r.body.items as { appointmentId: string; probabilityOnTime: number }[]) {
            const car = carById.get(it.appointmentId);
            if (car) flags.push({ car: car.idx, morning: e.day, predictedMiss: 1 - it.probabilityOnTime });
          }
        dirty = true; // each morning starts from a fresh read of the plan
        return;
      }
      case 'wake':
        return;
    }
  }

  // --- the loop -------------------------------------------------------------------------------------
  let lastLog = performance.now();
  while (agenda.size) {
    const now = agenda.peekTime()!;
    if (now >= endMs) break;
    if (tally.requests > cfg.maxRequests || performance.now() - t0 > cfg.maxWallMs) {
      stoppedEarly = `${tally.requests > cfg.maxRequests ? `request bound ${cfg.maxRequests}` : `time bound ${Math.round(cfg.maxWallMs / 60_000)} min`} reached at ${iso(now)}`;
      break;
    }
    while (agenda.size && agenda.peekTime() === now) await handle(now, agenda.pop().e);
    wakes.delete(now);
    await dispatch(now);
    const drained = now > cal.at(cfg.days, 0) && cars.every((c) => c.gone || c.readyMs !== null) && reqs.every((r) => r.callMs <= now);
    if (drained) break; // every car is ready or gone and no demand is left
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      log(`  ${cfg.label}: ${iso(now)} · ${cars.length} booked · ${tally.requests} requests`);
    }
  }

  if (http.trace) writeFileSync(`${process.env.REPLAY_TRACE}-${cfg.label.replace(/[^a-z0-9.]+/gi, '_')}-${process.pid}-${++traceCount}.log`, http.trace.join('\n') + '\n');

  // --- 4. results ---------------------------------------------------------------------------------
  const results: CarResult[] = cars
    .filter((c) => !c.req.noShow)
    .map((c) => ({
      idx: c.idx,
      waiter: c.req.waiter,
      sameDay: c.sameDay,
      scored: c.plannedMs >= cal.at(cfg.warmup, 0) && c.plannedMs < cal.at(cfg.days, 0),
      arrivalMs: c.plannedMs,
      promiseMs: c.promiseMs,
      readyMs: c.readyMs,
      fixedMs: fixedRulePromise(c.plannedMs / MIN, c.ops.reduce((a, o) => a + o.hours, 0)) * MIN,
      quoteP50Ms: c.quoteP50Ms,
      plannedFinishMs: c.plannedFinishMs,
    }));
  return {
    label: cfg.label,
    workshop: s.name,
    truth: cfg.truth.name,
    target: cfg.target,
    requests: reqs.length,
    refusedFirst,
    turnedAway,
    cars: results,
    noShows: cars.filter((c) => c.req.noShow).length,
    flags,
    unfinished: results.filter((c) => c.scored && c.readyMs === null).length,
    tally,
    wallMs: performance.now() - t0,
    simulatedDays: allDays,
    stoppedEarly,
  };
}
