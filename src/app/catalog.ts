/**
 * Use cases for the workshop model: create/read/update/delete of workshops, bays, technicians,
 * the operation catalogue and appointments, with referential checks and the guarded
 * repair-order lifecycle. Every write bumps the workshop revision (cache invalidation).
 */
import { DateTime } from 'luxon';
import type { z } from 'zod';
import {
  AppointmentInput,
  AppointmentPatch,
  BayInput,
  OPEN_STATUSES,
  OperationInput,
  TechnicianInput,
  TRANSITIONS,
  WorkshopInput,
  type Appointment,
  type AppointmentStatus,
  type Bay,
  type Operation,
  type Technician,
  type Workshop,
} from '../model/workshop.js';
import type { ChildRepo, Page, PageQuery } from '../store/port.js';
import type { AppContext } from './context.js';
import { DomainError, notFound } from './errors.js';
import { LIMITS, type LimitName } from '../model/limits.js';
import { parseOrThrow } from './validate.js';
import { OP_EVENTS } from '../domain/rules/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

function strip<T extends { id?: unknown; version?: unknown; createdAt?: unknown; updatedAt?: unknown; workshopId?: unknown }>(e: T) {
  const { id: _i, version: _v, createdAt: _c, updatedAt: _u, workshopId: _w, ...rest } = e;
  return rest;
}

function mergePatch(existing: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  return { ...existing, ...patch };
}

// --- workshops ------------------------------------------------------------------------------------
/** Use cases take input the edge has validated (typed); they validate only what they build themselves (merged patches). */
export function createWorkshop(ctx: AppContext, input: WorkshopInput): Workshop {
  const now = iso(ctx.clock.now());
  const w: Workshop = { id: ctx.newId('ws'), version: 1, createdAt: now, updatedAt: now, ...input };
  ctx.store.workshops.insert(w);
  return w;
}

export function getWorkshop(ctx: AppContext, id: string): Workshop {
  const w = ctx.store.workshops.get(id);
  if (!w) throw notFound('workshop', id);
  return w;
}

export function listWorkshops(ctx: AppContext, q: PageQuery): Page<Workshop> {
  return ctx.store.workshops.list(q);
}

export function updateWorkshop(ctx: AppContext, id: string, patch: Record<string, unknown>): Workshop {
  return ctx.store.transaction(() => {
    const w = getWorkshop(ctx, id);
    const input = parseOrThrow(WorkshopInput, mergePatch(strip(w), patch));
    const next: Workshop = { ...w, ...input, version: w.version + 1, updatedAt: iso(ctx.clock.now()) };
    if (!ctx.store.workshops.update(next)) throw new DomainError('version_conflict', 'workshop was changed concurrently');
    return next;
  });
}

export function deleteWorkshop(ctx: AppContext, id: string): void {
  if (!ctx.store.workshops.delete(id)) throw notFound('workshop', id);
}

// --- child collections (bays, technicians, catalogue) --------------------------------------------
type Child = { id: string; workshopId: string; version: number; createdAt: string; updatedAt: string };

interface ChildSpec<S extends z.ZodType, E extends Child> {
  label: string;
  prefix: string;
  input: S;
  repo: (ctx: AppContext) => ChildRepo<E>;
  /** resolves a URL key (id, or op code for the catalogue) */
  find?: (ctx: AppContext, workshopId: string, key: string) => E | undefined;
  checkCreate?: (ctx: AppContext, workshopId: string, input: z.output<S>) => void;
  /** the size cap of the collection (model/limits.ts) */
  limit: LimitName;
  checkUpdate?: (ctx: AppContext, existing: E, input: z.output<S>) => void;
  checkDelete?: (ctx: AppContext, existing: E) => void;
}

function childUseCases<S extends z.ZodType, E extends Child>(spec: ChildSpec<S, E>) {
  const find = (ctx: AppContext, w: string, key: string) => {
    getWorkshop(ctx, w);
    const e = spec.find ? spec.find(ctx, w, key) : spec.repo(ctx).get(w, key);
    if (!e) throw notFound(spec.label, key);
    return e;
  };
  return {
    create(ctx: AppContext, workshopId: string, input: z.output<S>): E {
      return ctx.store.transaction(() => {
        getWorkshop(ctx, workshopId);
        assertWithin(spec.limit, spec.repo(ctx).list(workshopId, { limit: 1, offset: 0 }).total + 1);
        spec.checkCreate?.(ctx, workshopId, input);
        const now = iso(ctx.clock.now());
        const e = { id: ctx.newId(spec.prefix), workshopId, version: 1, createdAt: now, updatedAt: now, ...(input as object) } as E;
        spec.repo(ctx).insert(e);
        ctx.store.workshops.bumpRevision(workshopId);
        return e;
      });
    },
    get: find,
    list(ctx: AppContext, workshopId: string, q: PageQuery): Page<E> {
      getWorkshop(ctx, workshopId);
      return spec.repo(ctx).list(workshopId, q);
    },
    update(ctx: AppContext, workshopId: string, key: string, patch: Record<string, unknown>): E {
      return ctx.store.transaction(() => {
        const e = find(ctx, workshopId, key);
        const input = parseOrThrow(spec.input, mergePatch(strip(e), patch));
        spec.checkUpdate?.(ctx, e, input);
        const next = { ...e, ...(input as object), version: e.version + 1, updatedAt: iso(ctx.clock.now()) } as E;
        if (!spec.repo(ctx).update(next)) throw new DomainError('version_conflict', `${spec.label} was changed concurrently`);
        ctx.store.workshops.bumpRevision(workshopId);
        return next;
      });
    },
    remove(ctx: AppContext, workshopId: string, key: string): void {
      ctx.store.transaction(() => {
        const e = find(ctx, workshopId, key);
        spec.checkDelete?.(ctx, e);
        spec.repo(ctx).delete(workshopId, e.id);
        ctx.store.workshops.bumpRevision(workshopId);
      });
    },
  };
}

/** Refuses a write that would take a workshop past one of its size caps. */
export function assertWithin(limit: LimitName, wouldBe: number, path?: string): void {
  if (wouldBe <= LIMITS[limit]) return;
  throw new DomainError('limit_exceeded', `a workshop may have at most ${LIMITS[limit]} ${LIMIT_LABEL[limit]}`, {
    limit, max: LIMITS[limit], ...(path ? { errors: [{ path, message: `at most ${LIMITS[limit]}`, code: 'limit_exceeded' }] } : {}),
  });
}
const LIMIT_LABEL: Record<LimitName, string> = {
  technicians: 'technicians',
  bays: 'bays',
  catalogue: 'operations in its catalogue',
  openRepairOrders: 'open repair orders',
  openOperations: 'operations on its open repair orders',
  operationsPerOrder: 'operations per repair order',
};

/**
 * The open book stays within its caps: `adding` repair orders with `ops` operations more, and
 * `replacing` (an edited order) counted once.
 */
export function assertOpenBookWithin(ctx: AppContext, workshopId: string, ops: number, replacing?: Appointment): void {
  const open = ctx.store.appointments.find(workshopId, { status: OPEN_STATUSES }).filter((a) => a.id !== replacing?.id);
  assertWithin('openRepairOrders', open.length + 1);
  assertWithin('openOperations', open.reduce((n, a) => n + a.operations.length, 0) + ops, 'operations');
}

/** Open repair orders with an operation running on the given resource block its deletion. */
function assertNotWorking(ctx: AppContext, workshopId: string, field: 'technicianId' | 'bayId', id: string, label: string) {
  const busy = ctx.store.appointments
    .find(workshopId, { status: ['in_progress', 'checked_in'] })
    .filter((a) => a.operations.some((o) => o[field] === id && (o.status === 'in_progress' || o.status === 'paused')));
  if (busy.length)
    throw new DomainError('in_use', `${label} ${id} is working on ${busy.length} open repair order(s)`, {
      appointments: busy.map((a) => a.id),
    });
}

export const bays = childUseCases<typeof BayInput, Bay>({
  label: 'bay',
  prefix: 'bay',
  limit: 'bays',
  input: BayInput,
  repo: (ctx) => ctx.store.bays,
  checkDelete: (ctx, b) => assertNotWorking(ctx, b.workshopId, 'bayId', b.id, 'bay'),
});

export const technicians = childUseCases<typeof TechnicianInput, Technician>({
  label: 'technician',
  prefix: 'tech',
  limit: 'technicians',
  input: TechnicianInput,
  repo: (ctx) => ctx.store.technicians,
  checkDelete: (ctx, t) => assertNotWorking(ctx, t.workshopId, 'technicianId', t.id, 'technician'),
});

export const operations = childUseCases<typeof OperationInput, Operation>({
  label: 'operation',
  prefix: 'op',
  limit: 'catalogue',
  input: OperationInput,
  repo: (ctx) => ctx.store.operations,
  find: (ctx, w, code) => ctx.store.operations.byCode(w, code),
  checkCreate: (ctx, w, input) => {
    if (ctx.store.operations.byCode(w, input.opCode))
      throw new DomainError('duplicate', `op code ${input.opCode} already exists in this catalogue`, {
        errors: [{ path: 'opCode', message: 'already exists', code: 'duplicate' }],
      });
  },
  checkUpdate: (_ctx, e, input) => {
    if (input.opCode !== e.opCode)
      throw new DomainError('validation_failed', 'an op code cannot be renamed; create a new one', {
        errors: [{ path: 'opCode', message: 'cannot be changed', code: 'immutable' }],
      });
  },
  checkDelete: (ctx, e) => {
    const n = ctx.store.appointments.countUsingOpCode(e.workshopId, e.opCode, OPEN_STATUSES);
    if (n > 0) throw new DomainError('in_use', `op code ${e.opCode} is used by ${n} open repair order(s)`);
  },
});

// --- appointments -----------------------------------------------------------------------------------
/** Renders an instant in the workshop's zone with its offset (the API's canonical form). */
export function toZoned(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { setZone: true }).setZone(zone).toISO({ suppressMilliseconds: true })!;
}
export function msToZoned(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
}

function resolveOperations(ctx: AppContext, w: Workshop, ops: AppointmentInput['operations']) {
  const missing = ops
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => !ctx.store.operations.byCode(w.id, o.opCode));
  if (missing.length)
    throw new DomainError('unknown_reference', 'unknown op code(s) in the catalogue of this workshop', {
      errors: missing.map(({ o, i }) => ({ path: `operations[${i}].opCode`, message: `op code ${o.opCode} is not in the catalogue`, code: 'unknown_op_code' })),
    });
  return ops.map((o) => ({ ...o, ...(o.partsEta ? { partsEta: toZoned(o.partsEta, w.timeZone) } : {}), status: 'pending' as const }));
}

export function normaliseAppointmentInput(ctx: AppContext, w: Workshop, input: AppointmentInput) {
  return {
    ...input,
    plannedArrival: toZoned(input.plannedArrival, w.timeZone),
    promisedAt: input.promisedAt ? toZoned(input.promisedAt, w.timeZone) : null,
    operations: resolveOperations(ctx, w, input.operations),
  };
}

export function buildAppointment(ctx: AppContext, w: Workshop, input: AppointmentInput): Appointment {
  const now = iso(ctx.clock.now());
  return {
    id: ctx.newId('apt'),
    workshopId: w.id,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...normaliseAppointmentInput(ctx, w, input),
    status: 'booked',
  };
}

/** Stores an appointment as given (imports, demo data); booking with capacity checks lives in booking.ts. */
export function createAppointment(ctx: AppContext, workshopId: string, body: AppointmentInput): Appointment {
  return ctx.store.transaction(() => {
    const w = getWorkshop(ctx, workshopId);
    const a = buildAppointment(ctx, w, body);
    assertOpenBookWithin(ctx, w.id, a.operations.length);
    ctx.store.appointments.insert(a);
    ctx.store.workshops.bumpRevision(w.id);
    return a;
  });
}

export function getAppointment(ctx: AppContext, id: string): Appointment {
  const a = ctx.store.appointments.get(id);
  if (!a) throw notFound('appointment', id);
  return a;
}

export function listAppointments(
  ctx: AppContext,
  workshopId: string,
  q: PageQuery & { from?: number; to?: number; status?: AppointmentStatus[] },
): Page<Appointment> {
  getWorkshop(ctx, workshopId);
  return ctx.store.appointments.list(workshopId, q);
}

export function assertTransition(from: AppointmentStatus, to: AppointmentStatus): void {
  if (from === to) return;
  if (!TRANSITIONS[from].includes(to))
    throw new DomainError('illegal_transition', `a repair order cannot go from ${from} to ${to}`, {
      from,
      to,
      allowed: TRANSITIONS[from],
    });
}

const TIMESTAMP_OF: Partial<Record<AppointmentStatus, 'checkedInAt' | 'readyAt' | 'deliveredAt'>> = {
  checked_in: 'checkedInAt',
  ready: 'readyAt',
  delivered: 'deliveredAt',
};

export function applyStatus(ctx: AppContext, w: Workshop, a: Appointment, to: AppointmentStatus, atMs?: number): Appointment {
  assertTransition(a.status, to);
  if (a.status === to) return a;
  const stamp = TIMESTAMP_OF[to];
  return { ...a, status: to, ...(stamp ? { [stamp]: msToZoned(atMs ?? ctx.clock.now(), w.timeZone) } : {}) };
}

export function saveAppointment(ctx: AppContext, next: Appointment): Appointment {
  if (!ctx.store.appointments.update(next)) throw new DomainError('version_conflict', 'appointment was changed concurrently');
  // the outcome of a promise Baywise made: the calibration learns from it (app/calibration.ts)
  if (next.status === 'ready' && next.readyAt) ctx.store.promises.markReady(next.id, Date.parse(next.readyAt));
  ctx.store.workshops.bumpRevision(next.workshopId);
  return next;
}

/**
 * Whether `ops` restates the operations of `a` (same op codes and hours, in order) and changes
 * only parts ETAs: the indexes whose parts ETA it sets, moves or removes, else null (any other
 * change, or none: the operations are then replaced as a whole, which only an order nobody works
 * on allows).
 */
function partsEtaChanges(a: Appointment, ops: AppointmentInput['operations']): number[] | null {
  if (ops.length !== a.operations.length) return null;
  const changed: number[] = [];
  for (const [i, o] of ops.entries()) {
    const cur = a.operations[i];
    if (o.opCode !== cur.opCode || o.hours !== cur.hours) return null;
    const was = cur.partsEta ? Date.parse(cur.partsEta) : undefined;
    const now = o.partsEta ? Date.parse(o.partsEta) : undefined;
    if (was !== now) changed.push(i);
  }
  return changed.length ? changed : null;
}

export function updateAppointment(ctx: AppContext, id: string, body: unknown): Appointment {
  const patch = parseOrThrow(AppointmentPatch, body);
  return ctx.store.transaction(() => {
    const a = getAppointment(ctx, id);
    const w = getWorkshop(ctx, a.workshopId);
    const { status, ...fields } = patch;
    // a parts ETA may be set or moved on any operation that has not started, whatever the order's
    // other operations are doing; the work itself changes through floor events once it started
    const parts = fields.operations ? partsEtaChanges(a, fields.operations) : null;
    const started = (parts ?? []).filter((i) => a.operations[i].status !== 'pending');
    if (started.length && !['delivered', 'cancelled', 'no_show'].includes(a.status))
      throw new DomainError('illegal_transition', `operation ${started[0]} has started (${a.operations[started[0]].status}): its parts ETA changes through floor events`, {
        from: a.operations[started[0]].status,
        allowed: OP_EVENTS[a.operations[started[0]].status].filter((e) => e.startsWith('parts_')),
        errors: [{ path: `operations[${started[0]}].partsEta`, message: 'the operation has started', code: 'started' }],
      });
    const changesPlan = (fields.operations !== undefined && parts === null) || fields.plannedArrival !== undefined;
    if (changesPlan && !['booked', 'checked_in'].includes(a.status))
      throw new DomainError('illegal_transition', `the operations and arrival of a repair order that is ${a.status} change through floor events`, {
        from: a.status,
        allowed: TRANSITIONS[a.status],
      });
    if (Object.keys(fields).length && ['delivered', 'cancelled', 'no_show'].includes(a.status))
      throw new DomainError('illegal_transition', `a repair order that is ${a.status} is closed`, { from: a.status, allowed: [] });
    const current: AppointmentInput = {
      customer: a.customer,
      vehicle: a.vehicle,
      plannedArrival: a.plannedArrival,
      transport: a.transport,
      operations: a.operations.map(({ opCode, hours, partsEta }) => ({ opCode, hours, partsEta })),
      priority: a.priority,
      promisedAt: a.promisedAt,
      notes: a.notes,
    };
    const merged = parseOrThrow(AppointmentInput, JSON.parse(JSON.stringify({ ...current, ...fields })));
    const normalised = normaliseAppointmentInput(ctx, w, merged);
    let next: Appointment = {
      ...a,
      ...normalised,
      // operation progress survives edits that do not replace the operations
      operations:
        fields.operations && parts === null
          ? normalised.operations
          : a.operations.map(({ partsEta: _was, ...o }, i) => {
              const partsEta = normalised.operations[i].partsEta;
              return partsEta ? { ...o, partsEta } : o;
            }),
      version: a.version + 1,
      updatedAt: iso(ctx.clock.now()),
    };
    if (status) next = applyStatus(ctx, w, next, status);
    if (fields.operations && OPEN_STATUSES.includes(next.status)) assertOpenBookWithin(ctx, w.id, next.operations.length, a);
    return saveAppointment(ctx, next);
  });
}

export function deleteAppointment(ctx: AppContext, id: string): void {
  ctx.store.transaction(() => {
    const a = getAppointment(ctx, id);
    ctx.store.appointments.delete(id);
    ctx.store.workshops.bumpRevision(a.workshopId);
  });
}

