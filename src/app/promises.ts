/**
 * Promise use cases: quotes, capacity-safe availability, booking with a re-check inside one
 * critical section, live ETAs and the at-risk list. Built on the current plan (planning.ts), the
 * duration model fitted from job-clock history, and the promise engine (domain/promise).
 */
import { DateTime } from 'luxon';
import {
  availability as availabilityEngine,
  createPromiseContext,
  fitDurationModel,
  freeCapacity,
  type Bottleneck,
  type DayRange,
  type DurationModel,
  type NewJobSpec,
  PromiseContext,
  type QuoteResult,
} from '../domain/promise/index.js';
import type { JobFact } from '../domain/scheduling/index.js';
import { AppointmentInput, type Appointment, type Workshop } from '../model/workshop.js';
import { toMinutes, WEEKDAYS } from '../model/common.js';
import { compileJob, type OpRef } from './compile.js';
import type { AppContext } from './context.js';
import { assertOpenBookWithin, buildAppointment, getAppointment, getWorkshop, msToZoned, toZoned } from './catalog.js';
import { DomainError } from './errors.js';
import { remember, replay, requestHash } from './idempotency.js';
import { calibrationScales, segmentOf } from './calibration.js';
import { arrivalIsPast, bookingVerdict, calibratedReady, forecastDue, promiseSegment, segmentScale, type Segment, POLICY_DEFAULTS, REFUSAL_MESSAGES, type PromisePolicy, type RefusalReason, type Verdict } from '../domain/rules/index.js';
import { currentPlan, installPlan, type PlanState } from './planning.js';

/** The workshop's promise policy, with the defaults (rules/policy.ts) for what an older document lacks. */
export function policyOf(w: Workshop): PromisePolicy {
  return { ...POLICY_DEFAULTS, ...w.policy };
}

/** At-risk list: vehicles due within this many days. */
export const AT_RISK_DAYS = 3;

export interface PromiseState {
  plan: PlanState;
  promise: PromiseContext;
}

/** The duration model of a workshop: the catalogue's priors updated by its job-clock history. */
export function durationModelFor(ctx: AppContext, plan: PlanState): DurationModel {
  const obs = ctx.store.observations.list(plan.snapshot.workshop.id);
  const priors = new Map(plan.snapshot.operations.map((o) => [o.opCode, o.cv]));
  return fitDurationModel(
    priors,
    obs.map((o) => ({ opCode: o.opCode, technicianKey: o.technicianId, plannedMinutes: o.plannedMinutes, actualMinutes: o.actualMinutes })),
  );
}

/** The promise context of the current plan (cached with it). */
export async function promiseState(ctx: AppContext, workshopId: string, asOfMs?: number): Promise<PromiseState> {
  const plan = await currentPlan(ctx, workshopId, asOfMs);
  const cache = ctx.services.promises;
  const hit = cache.get(workshopId);
  if (hit && hit.plan === plan) return hit;
  const promise = createPromiseContext(
    { model: plan.compiled.model, plan: plan.plan, opCodes: plan.compiled.opRefs.map((r) => r.opCode), durations: durationModelFor(ctx, plan) },
    { asOf: plan.compiled.asOfMin, seed: 1 },
  );
  const state = { plan, promise };
  cache.set(workshopId, state);
  return state;
}

// --- the new job -----------------------------------------------------------------------------------
function newJobSpec(plan: PlanState, apt: Appointment): { spec: NewJobSpec; refs: OpRef[] } {
  const c = plan.compiled;
  const base = c.model.ops.length;
  const r = compileJob(c.jobContext, apt, base, c.model.jobs.length);
  if (!r) throw new DomainError('beyond_horizon', 'the arrival is outside the planning horizon', { errors: [{ path: 'plannedArrival', message: 'beyond the planning horizon', code: 'beyond_horizon' }] });
  const unqualified = r.ops.findIndex((o) => o.alternatives.length === 0 || (o.bays !== null && o.bays.length === 0));
  if (unqualified >= 0) {
    const o = r.ops[unqualified];
    throw new DomainError('model_invalid', `no ${o.alternatives.length === 0 ? 'qualified technician' : 'bay with the required capability'} for ${r.opRefs[unqualified].opCode}`, {
      errors: [{ path: `operations[${r.opRefs[unqualified].opIndex}].opCode`, message: o.alternatives.length === 0 ? 'no qualified technician' : 'no capable bay', code: 'cannot_be_done_here' }],
    });
  }
  return {
    refs: r.opRefs,
    spec: {
      key: apt.id,
      release: r.job.release,
      due: r.job.due,
      weight: r.job.weight,
      ops: r.ops.map((o, i) => ({
        key: o.key,
        ...(o.stream ? { stream: o.stream } : {}),
        opCode: r.opRefs[i].opCode,
        release: o.release,
        splittable: o.splittable,
        parallel: o.parallel,
        alternatives: o.alternatives,
        bays: o.bays,
        preds: o.preds.map((p) => p - base),
      })),
    },
  };
}

function presentBottleneck(plan: PlanState, b: Bottleneck | undefined) {
  if (!b) return null;
  const s = plan.snapshot;
  const name =
    b.kind === 'technician' ? s.technicians.find((t) => t.id === b.key)?.name : b.kind === 'bay' ? s.bays.find((x) => x.id === b.key)?.name : undefined;
  return { kind: b.kind, id: b.key, name: name ?? null, share: Math.round(b.share * 1000) / 1000 };
}

/** What a quote needs to know of the job (validated at the edge). */
export type QuoteInput = Pick<AppointmentInput, 'plannedArrival' | 'operations'> & Partial<Pick<AppointmentInput, 'transport' | 'priority'>>;

/** A promise can only be made for an arrival from now on (rules/verdict.ts: a few minutes of grace). */
function assertNotPast(ctx: AppContext, plannedArrival: string, nowMs?: number) {
  if (arrivalIsPast(Date.parse(plannedArrival) / 60_000, (nowMs ?? ctx.clock.now()) / 60_000))
    throw new DomainError('arrival_in_past', 'the planned arrival is in the past', {
      reason: 'in_the_past' satisfies RefusalReason,
      errors: [{ path: 'plannedArrival', message: 'is in the past', code: 'in_the_past' }],
    });
}

function tentative(ctx: AppContext, w: Workshop, id: string, draft: QuoteInput): Appointment {
  const a = buildAppointment(ctx, w, { customer: { name: 'quote' }, vehicle: { ev: false }, transport: 'drop_off', priority: 'normal', ...draft, promisedAt: null });
  return { ...a, id };
}

export async function quote(ctx: AppContext, workshopId: string, body: QuoteInput, asOfMs?: number) {
  const w = getWorkshop(ctx, workshopId);
  const apt = tentative(ctx, w, 'quote', body);
  assertNotPast(ctx, apt.plannedArrival, asOfMs);
  const st = await promiseState(ctx, workshopId, asOfMs);
  const d = decideQuote(ctx, st, w, apt);
  return d.ok ? { ok: true as const, body: presentQuote(st, w, apt, d) } : d;
}

interface QuoteDecision {
  ok: true;
  q: QuoteResult;
  spec: NewJobSpec;
  verdict: Verdict;
  /** the calibration segment of the promise (rules/calibration.ts) */
  segment: Segment;
}

/** Quote the job on the current plan and apply the booking verdict (rules/verdict.ts): the decision, no presentation. */
function decideQuote(ctx: AppContext, st: PromiseState, w: Workshop, apt: Appointment): QuoteDecision | { ok: false; reason: string; message: string } {
  const policy = policyOf(w);
  const { spec } = newJobSpec(st.plan, apt);
  const c = st.plan.compiled;
  const waiter = apt.transport === 'waiter';
  // the open ranges from arrival to the horizon: a drop-off's promise moves to the next opening, a waiter's must fall on the arrival day
  const days = openRanges(w, c.originMs, Date.parse(apt.plannedArrival), c.originMs + c.model.horizonEnd * 60_000);
  // the promise is calibrated by what this workshop's promises of the same segment achieved
  const segment = segmentOf(w, waiter, Date.parse(apt.plannedArrival), c.originMs + c.asOfMin * 60_000);
  const scale = segmentScale(calibrationScales(ctx.store, w.id, policy.targetOnTime), segment);
  const q = st.promise.quote(spec, {
    target: policy.targetOnTime,
    headroom: policy.promiseHeadroom,
    bufferMinutes: policy.handoverBufferMinutes,
    effectWindowMinutes: 1440,
    waiter,
    openRanges: days,
    scale,
  });
  if (!q.ok) return { ok: false, reason: q.reason, message: q.message };
  const verdict = bookingVerdict({
    now: c.asOfMin,
    arrival: spec.release,
    promise: q.promise,
    horizonEnd: c.model.horizonEnd,
    waiter,
    dayEnd: days.find((d) => d.end > spec.release)?.end,
    waiterMaxWaitMinutes: policy.waiterMaxWaitMinutes,
    hurts: q.victims.length,
  });
  return { ok: true, q, spec, verdict, segment };
}

function refusalMessage(w: Workshop, d: QuoteDecision): string {
  if (d.verdict.bookable) return '';
  switch (d.verdict.reason) {
    case 'hurts_existing_promises':
      return `booking this arrival would push ${d.q.victims.length} existing promise(s) below the ${w.policy.targetOnTime} target`;
    case 'waiter_wait_too_long':
      return `a waiter would wait more than ${policyOf(w).waiterMaxWaitMinutes} minutes`;
    default:
      return REFUSAL_MESSAGES[d.verdict.reason];
  }
}

/** The quote as the API tells it (times in the workshop zone, probabilities to three decimals). */
function presentQuote(st: PromiseState, w: Workshop, apt: Appointment, d: QuoteDecision) {
  const { q, spec, verdict } = d;
  const origin = st.plan.compiled.originMs;
  const at = (min: number) => msToZoned(origin + min * 60_000, w.timeZone);
  const fq = q.forecast.quantiles();
  return {
    arrival: apt.plannedArrival,
    transport: apt.transport,
    promisedReadyBy: at(q.promise),
    target: w.policy.targetOnTime,
    onTimeProbability: Math.round(q.onTimeProbability * 1000) / 1000,
    quantiles: { p50: at(Math.ceil(fq.p50)), p80: at(Math.ceil(fq.p80)), p90: at(Math.ceil(fq.p90)), p95: at(Math.ceil(fq.p95)) },
    plannedFinish: at(q.insertion.plannedFinish + w.policy.handoverBufferMinutes),
    bottleneck: presentBottleneck(st.plan, q.bottleneck),
    plannedOperations: q.insertion.ops.map((op, i) => {
      const a = q.insertion.plan.assignments[op];
      return {
        opCode: spec.ops[i].opCode,
        technicianId: st.plan.compiled.techIds[a.tech],
        bayId: a.bay >= 0 ? st.plan.compiled.bayIds[a.bay] : null,
        start: at(a.start),
        end: at(a.end),
      };
    }),
    effectOnExistingPromises: {
      affected: q.affected.length,
      belowTarget: q.victims.map((v) => ({ appointmentId: v.key, before: Math.round(v.before * 1000) / 1000, after: Math.round(v.after * 1000) / 1000 })),
    },
    bookable: verdict.bookable,
    ...(verdict.bookable ? {} : { refusal: verdict.reason, reason: refusalMessage(w, d) }),
    samples: q.samples,
  };
}

// --- availability --------------------------------------------------------------------------------
function openRanges(w: Workshop, originMs: number, fromMs: number, toMs: number): DayRange[] {
  const out: DayRange[] = [];
  for (let d = DateTime.fromMillis(fromMs, { zone: w.timeZone }).startOf('day'); d.toMillis() < toMs; d = d.plus({ days: 1 })) {
    if (w.closedDates.includes(d.toISODate()!)) continue;
    const ranges = w.openingHours[WEEKDAYS[d.weekday - 1]];
    if (!ranges.length) continue;
    const s = Math.min(...ranges.map((r) => toMinutes(r.start)));
    const e = Math.max(...ranges.map((r) => toMinutes(r.end)));
    const startMs = d.set({ hour: Math.floor(s / 60), minute: s % 60 }).toMillis();
    const endMs = e >= 1440 ? d.plus({ days: 1 }).toMillis() : d.set({ hour: Math.floor(e / 60), minute: e % 60 }).toMillis();
    out.push({ start: Math.round((startMs - originMs) / 60_000), end: Math.round((endMs - originMs) / 60_000) });
  }
  return out;
}

/** Drop-off slots on the workshop grid inside opening hours, from the first grid point at or after `fromMin`. */
function slotGrid(w: Workshop, originMs: number, days: DayRange[], fromMin: number): number[] {
  const slots: number[] = [];
  for (const d of days) {
    const ranges = w.openingHours[WEEKDAYS[DateTime.fromMillis(originMs + d.start * 60_000, { zone: w.timeZone }).weekday - 1]];
    const dayStart = DateTime.fromMillis(originMs + d.start * 60_000, { zone: w.timeZone }).startOf('day');
    const day0 = Math.round((dayStart.toMillis() - originMs) / 60_000);
    // a DST day has 23 or 25 hours: only then is each slot placed on the wall clock with luxon
    const dst = Math.round((dayStart.plus({ days: 1 }).toMillis() - dayStart.toMillis()) / 60_000) !== 1440;
    for (const r of ranges) {
      // the last drop-off of a range leaves at least one grid step before it closes
      for (let m = toMinutes(r.start); m < toMinutes(r.end) - w.slotMinutes + 1; m += w.slotMinutes) {
        let t = day0 + m;
        if (dst) {
          const wall = dayStart.set({ hour: Math.floor(m / 60), minute: m % 60 });
          if (wall.hour * 60 + wall.minute !== m) continue; // a time the spring change skips is no slot
          t = Math.round((wall.toMillis() - originMs) / 60_000);
        }
        if (t >= fromMin) slots.push(t);
      }
    }
  }
  return slots;
}

export interface AvailabilityQuery {
  fromMs: number;
  toMs: number;
  opCodes: string[];
  waiter: boolean;
  asOfMs?: number;
}

export async function availability(ctx: AppContext, workshopId: string, q: AvailabilityQuery) {
  const w = getWorkshop(ctx, workshopId);
  const st = await promiseState(ctx, workshopId, q.asOfMs);
  const asOfMs = q.asOfMs ?? ctx.clock.now();
  const key = JSON.stringify([st.plan.data.revision, st.plan.data.asOfMs, q.fromMs, q.toMs, q.opCodes, q.waiter]);
  const cache = ctx.services.availability;
  let cached = cache.get(key) as { result: ReturnType<typeof computeAvailability>; startMs: number[] } | undefined;
  if (!cached) {
    const result = computeAvailability(ctx, w, st, q);
    cached = { result, startMs: result.slots.map((s) => Date.parse(s.start)) };
    cache.set(key, cached);
  }
  // slots already in the past are not offered even from a cached answer
  const { result, startMs } = cached;
  const first = startMs.findIndex((t) => t >= asOfMs - 60_000);
  return first === 0 ? result : { ...result, slots: first < 0 ? [] : result.slots.slice(first) };
}

function computeAvailability(ctx: AppContext, w: Workshop, st: PromiseState, query: AvailabilityQuery) {
  const origin = st.plan.compiled.originMs;
  const horizonMs = origin + st.plan.compiled.model.horizonEnd * 60_000;
  if (query.fromMs >= horizonMs)
    throw new DomainError('beyond_horizon', `availability is computed within the planning horizon, until ${msToZoned(horizonMs, w.timeZone)}`, {
      errors: [{ path: 'query.from', message: 'beyond the planning horizon', code: 'beyond_horizon' }],
    });
  const q = { ...query, toMs: Math.min(query.toMs, horizonMs) };
  const at = (min: number) => msToZoned(origin + min * 60_000, w.timeZone);
  const days = openRanges(w, origin, q.fromMs, q.toMs);
  const fromMin = Math.max(Math.ceil((q.fromMs - origin) / 60_000), st.plan.compiled.asOfMin);
  const slots = slotGrid(w, origin, days, fromMin).filter((s) => s < Math.round((q.toMs - origin) / 60_000));
  const apt = tentative(ctx, w, 'availability', {
    plannedArrival: msToZoned(origin + (slots[0] ?? fromMin) * 60_000, w.timeZone),
    operations: q.opCodes.map((opCode) => ({ opCode })),
    transport: q.waiter ? 'waiter' : 'drop_off',
  });
  const { spec } = newJobSpec(st.plan, apt);
  // calibration: a slot of today is a same-day promise, a later one a promise made days ahead
  const scales = calibrationScales(ctx.store, w.id, w.policy.targetOnTime);
  const nowMs = origin + st.plan.compiled.asOfMin * 60_000;
  const todayEnd = Math.round((DateTime.fromMillis(nowMs, { zone: w.timeZone }).endOf('day').toMillis() - origin) / 60_000);
  const scaleAt = (start: number) => segmentScale(scales, promiseSegment(q.waiter, start <= todayEnd));
  const t0 = performance.now();
  const res = availabilityEngine(st.promise, {
    slots,
    job: { key: spec.key, due: null, weight: spec.weight, ops: spec.ops.map((o) => ({ ...o, release: undefined })) },
    waiter: q.waiter,
    target: w.policy.targetOnTime,
    headroom: policyOf(w).promiseHeadroom,
    bufferMinutes: w.policy.handoverBufferMinutes,
    days,
    maxWaitMinutes: q.waiter ? policyOf(w).waiterMaxWaitMinutes : undefined,
    scale: scaleAt,
  });
  const ms = performance.now() - t0;
  // per-day summary: free capacity by skill and by bay capability
  const cap = freeCapacity(st.plan.compiled.model, st.plan.plan, days, st.promise.timelines);
  const techs = st.plan.snapshot.technicians;
  const bays = st.plan.snapshot.bays;
  const summary = days.map((d, i) => {
    const bySkill: Record<string, number> = {};
    cap.techs.forEach((t, ti) => {
      for (const skill of Object.keys(techs[ti].skills)) bySkill[skill] = (bySkill[skill] ?? 0) + t.free[i];
    });
    const byCap: Record<string, number> = {};
    cap.bays.forEach((b, bi) => {
      for (const c of bays[bi].capabilities) byCap[c] = (byCap[c] ?? 0) + b.free[i];
    });
    const daySlots = res.slots.filter((s) => s.start >= d.start && s.start < d.end);
    return {
      date: DateTime.fromMillis(origin + d.start * 60_000, { zone: w.timeZone }).toISODate(),
      offeredSlots: daySlots.filter((s) => s.offered).length,
      slots: daySlots.length,
      freeTechnicianMinutesBySkill: bySkill,
      freeBayMinutesByCapability: byCap,
    };
  });
  return {
    workshopId: w.id,
    opCodes: q.opCodes,
    waiter: q.waiter,
    target: w.policy.targetOnTime,
    asOf: msToZoned(st.plan.data.asOfMs, w.timeZone),
    slots: res.slots
      .filter((s) => s.offered)
      .map((s) => ({ start: at(s.start), promisedReadyBy: at(s.promise!), onTimeProbability: Math.round(s.onTimeProbability! * 1000) / 1000 })),
    rejected: countBy(res.slots.filter((s) => !s.offered).map((s) => s.reason ?? 'unknown')),
    days: summary,
    stats: { candidates: res.slots.length, simulated: res.simulated, reused: res.reused, skippedEarly: res.skippedEarly, samples: res.samples, computeMs: Math.round(ms * 10) / 10 },
  };
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

// --- booking -------------------------------------------------------------------------------------
/**
 * Books a repair order: without a promise in the request, Baywise quotes the requested arrival and
 * stores the promise only if (a) it meets the target and (b) no existing promise is hurt, all
 * inside one per-workshop critical section; otherwise 409 with the next bookable slots. A request
 * that carries `promisedAt` records a promise made elsewhere (imports) as given.
 */
export async function book(
  ctx: AppContext,
  workshopId: string,
  input: AppointmentInput,
  opts: { idempotencyKey?: string; asOfMs?: number } = {},
): Promise<{ status: number; body: unknown }> {
  const w = getWorkshop(ctx, workshopId);
  const hash = requestHash(input);
  const scope = `book:${workshopId}`;
  const prior = replay(ctx.store, scope, opts.idempotencyKey, hash);
  if (prior) return prior;
  const nowIso = new Date(ctx.clock.now()).toISOString();
  if (input.promisedAt) {
    const a = ctx.store.transaction(() => {
      const a = buildAppointment(ctx, w, input);
      assertOpenBookWithin(ctx, w.id, a.operations.length);
      ctx.store.appointments.insert(a);
      ctx.store.workshops.bumpRevision(w.id);
      remember(ctx.store, scope, opts.idempotencyKey, hash, 201, a, nowIso);
      return a;
    });
    return { status: 201, body: a };
  }
  // references are checked before anything is planned: a bad request leaves no trace
  const apt = buildAppointment(ctx, w, input);
  assertNotPast(ctx, apt.plannedArrival, opts.asOfMs);
  assertOpenBookWithin(ctx, w.id, apt.operations.length);
  // The HTTP edge runs bookings in the workshop's critical section, so the plan read here is the
  // store's. The revision check below keeps the guarantee for any other caller: a decision taken on
  // a plan that a write has overtaken is taken again on the new one.
  for (let attempt = 1; ; attempt++) {
    const st = await promiseState(ctx, workshopId, opts.asOfMs);
    // quote → verdict → store → install plan
    const d = decideQuote(ctx, st, w, apt);
    if (!d.ok || !d.verdict.bookable) {
      if (ctx.store.workshops.revision(w.id) !== st.plan.data.revision && attempt < MAX_BOOKING_ATTEMPTS) continue;
      const alternatives = await nextSlots(ctx, w, st, apt, 3);
      const refusal: RefusalReason = d.ok && !d.verdict.bookable ? d.verdict.reason : 'no_capacity';
      const detail = d.ok ? refusalMessage(w, d) : REFUSAL_MESSAGES.no_capacity;
      throw new DomainError('capacity_exhausted', detail, { reason: refusal, alternatives, ...(d.ok ? { quote: presentQuote(st, w, apt, d) } : {}) });
    }
    const body = presentQuote(st, w, apt, d);
    const stored: Appointment = { ...apt, promisedAt: toZoned(body.promisedReadyBy, w.timeZone) };
    const { spec: booked_, refs } = newJobSpec(st.plan, stored);
    const ins = d.q.insertion;
    // the installed model carries the promise just made (the quote's insertion had none), so the
    // at-risk list and the next booking's effect check protect it before the next replan
    ins.model.jobs[ins.job].due = booked_.due ?? null;
    // ... read at its raw equivalent when the promise was calibrated (rules/calibration.ts)
    const promiseMin = Math.round((Date.parse(stored.promisedAt!) - st.plan.compiled.originMs) / 60_000);
    const arrivalMin = Math.round((Date.parse(stored.plannedArrival) - st.plan.compiled.originMs) / 60_000);
    if (d.q.scale !== 1) ins.model.jobs[ins.job].forecastDue = forecastDue(arrivalMin, promiseMin, d.q.scale, w.policy.handoverBufferMinutes);
    const booked = ctx.store.transaction((): { status: number; body: unknown } | null => {
      const again = replay(ctx.store, scope, opts.idempotencyKey, hash);
      if (again) return again;
      // compare-and-set: the store must still be at the revision the decision was made on
      if (ctx.store.workshops.revision(w.id) !== st.plan.data.revision) return null;
      ctx.store.appointments.insert(stored);
      ctx.store.workshops.bumpRevision(w.id);
      remember(ctx.store, scope, opts.idempotencyKey, hash, 201, { ...stored, quote: body }, nowIso);
      // the promise and the forecast it came from: its outcome will calibrate the next ones
      ctx.store.promises.record({
        appointmentId: stored.id, workshopId: w.id, segment: d.segment, quotedAt: st.plan.data.asOfMs, arrival: Date.parse(stored.plannedArrival),
        rawLeadMinutes: d.q.rawLeadMinutes, scale: d.q.scale, promisedAt: Date.parse(stored.promisedAt!),
      });
      // the insertion becomes the current plan of the new revision: the next booking sees it at once
      const installed = installPlan(ctx, st.plan, { model: ins.model, plan: ins.plan, appointment: stored, opRefs: refs, revision: ctx.store.workshops.revision(w.id) });
      // its promise context adopts the quote's simulation: only the cone of the insertion was simulated
      if (installed) ctx.services.promises.set(w.id, { plan: installed, promise: extendContext(st.promise, installed, d.q) });
      return { status: 201, body: { ...stored, quote: body } };
    });
    if (booked) return booked;
    if (attempt >= MAX_BOOKING_ATTEMPTS)
      throw new DomainError('unavailable', 'the workshop kept changing while this booking was being decided; retry', { retryAfterSeconds: 1 });
  }
}

/** The promise context of `plan` = `prev`'s plan with the quoted insertion: same answers as a fresh one, at the cost of the cone. */
function extendContext(prev: PromiseContext, plan: PlanState, q: QuoteResult): PromiseContext {
  const ins = q.insertion;
  return new PromiseContext(
    { model: ins.model, plan: ins.plan, opCodes: plan.compiled.opRefs.map((r) => r.opCode), durations: prev.input.durations },
    prev.opts,
    { full: prev.full.extend(q.simulation), timelines: prev.timelines.extend(ins.model, ins.plan, ins.ops) },
  );
}

/** A booking overtaken by other writes this many times in a row gives up (503) instead of spinning. */
export const MAX_BOOKING_ATTEMPTS = 4;

async function nextSlots(ctx: AppContext, w: Workshop, st: PromiseState, apt: Appointment, n: number) {
  const fromMs = Date.parse(apt.plannedArrival);
  try {
    const res = computeAvailability(ctx, w, st, {
      fromMs,
      toMs: DateTime.fromMillis(fromMs, { zone: w.timeZone }).plus({ days: 7 }).toMillis(),
      opCodes: apt.operations.map((o) => o.opCode),
      waiter: apt.transport === 'waiter',
    });
    return res.slots.slice(0, n);
  } catch (e) {
    if (e instanceof DomainError) return []; // e.g. the arrival is at the end of the horizon: nothing later to offer
    throw e;
  }
}

// --- live ETA and at-risk ------------------------------------------------------------------------
/** Where the forecast's probability of a promise is read: at the promise, or at its raw equivalent when it was calibrated. */
function readAt(jf: JobFact, promiseMin: number, bufferMinutes: number): number {
  return jf.forecastDue === undefined || jf.forecastDue === null ? promiseMin : jf.forecastDue + bufferMinutes;
}
/** The calibration scale a job's promise is read with (1 when it was not calibrated). */
function scaleOfJob(jf: JobFact, promiseMin: number, bufferMinutes: number, from: number): number {
  const rawAt = readAt(jf, promiseMin, bufferMinutes);
  return rawAt > from && promiseMin > from ? (promiseMin - from) / (rawAt - from) : 1;
}

export async function eta(ctx: AppContext, appointmentId: string, asOfMs?: number) {
  const a = getAppointment(ctx, appointmentId);
  const w = getWorkshop(ctx, a.workshopId);
  if (['ready', 'delivered'].includes(a.status))
    return { appointmentId: a.id, status: a.status, readyAt: a.readyAt ?? null, promisedAt: a.promisedAt, onTime: a.promisedAt && a.readyAt ? Date.parse(a.readyAt) <= Date.parse(a.promisedAt) : null };
  if (['cancelled', 'no_show'].includes(a.status)) return { appointmentId: a.id, status: a.status, promisedAt: a.promisedAt };
  const st = await promiseState(ctx, a.workshopId, asOfMs);
  const job = st.plan.compiled.jobRefs.indexOf(a.id);
  if (job < 0) return { appointmentId: a.id, status: a.status, promisedAt: a.promisedAt, forecast: null, reason: 'not on the current plan (outside the horizon or nothing left to plan)' };
  const [f] = st.promise.forecast([job], w.policy.handoverBufferMinutes);
  if (!f) return { appointmentId: a.id, status: a.status, promisedAt: a.promisedAt, forecast: null, reason: 'some operations could not be planned' };
  const origin = st.plan.compiled.originMs;
  const at = (min: number) => msToZoned(origin + Math.ceil(min) * 60_000, w.timeZone);
  const promiseMin = a.promisedAt ? Math.round((Date.parse(a.promisedAt) - origin) / 60_000) : null;
  // a calibrated promise: the forecast's times are scaled around the arrival as the promise was (never before now)
  const jf = st.plan.compiled.model.jobs[job];
  const from = Math.round((Date.parse(a.plannedArrival) - origin) / 60_000);
  const scale = promiseMin === null ? 1 : scaleOfJob(jf, promiseMin, w.policy.handoverBufferMinutes, from);
  const cal = (m: number) => Math.max(st.plan.compiled.asOfMin, calibratedReady(from, m, scale));
  const raw = f.quantiles();
  const fq = { p50: cal(raw.p50), p80: cal(raw.p80), p90: cal(raw.p90), p95: cal(raw.p95) };
  return {
    appointmentId: a.id,
    status: a.status,
    promisedAt: a.promisedAt,
    asOf: msToZoned(st.plan.data.asOfMs, w.timeZone),
    forecast: { p50: at(fq.p50), p80: at(fq.p80), p90: at(fq.p90), p95: at(fq.p95) },
    probabilityOnTime: promiseMin === null ? null : Math.round(f.probReadyBy(readAt(jf, promiseMin, w.policy.handoverBufferMinutes)) * 1000) / 1000,
    bottleneck: presentBottleneck(st.plan, f.bottleneck),
    operations: a.operations.map((o, i) => {
      const as = st.plan.data.assignments.find((x) => x.appointmentId === a.id && x.opIndex === i);
      return { opIndex: i, opCode: o.opCode, status: o.status, technicianId: as?.technicianId ?? o.technicianId ?? null, plannedStart: as ? at(as.startMin) : null, plannedEnd: as ? at(as.endMin) : null };
    }),
  };
}

export async function atRisk(ctx: AppContext, workshopId: string, q: { threshold?: number; days?: number; asOfMs?: number }) {
  const w = getWorkshop(ctx, workshopId);
  const st = await promiseState(ctx, workshopId, q.asOfMs);
  const threshold = q.threshold ?? w.policy.targetOnTime;
  const origin = st.plan.compiled.originMs;
  const limit = st.plan.compiled.asOfMin + (q.days ?? AT_RISK_DAYS) * 1440;
  const jobs = st.plan.compiled.model.jobs.map((j, i) => ({ j, i })).filter(({ j }) => j.due !== null && j.due <= limit);
  const forecasts = st.promise.forecast(jobs.map((x) => x.i), w.policy.handoverBufferMinutes);
  const apts = new Map(st.plan.snapshot.appointments.map((a) => [a.id, a]));
  const at = (min: number) => msToZoned(origin + Math.ceil(min) * 60_000, w.timeZone);
  const items = jobs
    .map(({ j }, k) => {
      const f = forecasts[k];
      const a = apts.get(j.key);
      if (!f || !a || !a.promisedAt) return null;
      const promiseMin = Math.round((Date.parse(a.promisedAt) - origin) / 60_000);
      const p = f.probReadyBy(readAt(j, promiseMin, w.policy.handoverBufferMinutes));
      return { a, f, p };
    })
    .filter((x): x is NonNullable<typeof x> => x !== null && x.p < threshold)
    .sort((x, y) => x.p - y.p)
    .map(({ a, f, p }) => ({
      appointmentId: a.id,
      customer: a.customer.name,
      phone: a.customer.phone ?? null,
      vehicle: a.vehicle.plate ?? null,
      transport: a.transport,
      status: a.status,
      promisedAt: a.promisedAt,
      probabilityOnTime: Math.round(p * 1000) / 1000,
      forecastP90: at(f.quantile(0.9)),
      cause: presentBottleneck(st.plan, f.bottleneck),
    }));
  return { workshopId, threshold, asOf: msToZoned(st.plan.data.asOfMs, w.timeZone), checked: jobs.length, items };
}

/** Probability of meeting the promise for every repair order with work on the given day. */
export async function boardForecast(ctx: AppContext, workshopId: string, date: string, asOfMs?: number) {
  const st = await promiseState(ctx, workshopId, asOfMs);
  const w = st.plan.snapshot.workshop;
  const origin = st.plan.compiled.originMs;
  const day = DateTime.fromISO(date, { zone: w.timeZone }).startOf('day');
  const lo = Math.round((day.toMillis() - origin) / 60_000);
  const hi = Math.round((day.plus({ days: 1 }).toMillis() - origin) / 60_000);
  const ids = new Set(st.plan.data.assignments.filter((a) => a.endMin > lo && a.startMin < hi).map((a) => a.appointmentId));
  const apts = new Map(st.plan.snapshot.appointments.map((a) => [a.id, a]));
  const jobs = st.plan.compiled.jobRefs.map((id, j) => ({ id, j })).filter(({ id }) => ids.has(id) && apts.get(id)?.promisedAt);
  const forecasts = st.promise.forecast(jobs.map((x) => x.j), w.policy.handoverBufferMinutes);
  const onTime = new Map<string, number>();
  jobs.forEach(({ id, j }, k) => {
    const f = forecasts[k];
    if (!f) return;
    const promiseMin = Math.round((Date.parse(apts.get(id)!.promisedAt!) - origin) / 60_000);
    onTime.set(id, Math.round(f.probReadyBy(readAt(st.plan.compiled.model.jobs[j], promiseMin, w.policy.handoverBufferMinutes)) * 1000) / 1000);
  });
  return { plan: st.plan, onTime };
}
