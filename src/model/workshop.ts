/**
 * The workshop model: workshops, bays, technicians, the operation catalogue and appointments
 * (repair orders). Zod schemas are the single source of the TypeScript types, the request
 * validation and the OpenAPI document.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { POLICY_DEFAULTS } from '../domain/rules/policy.js';
import {
  Instant,
  Level,
  LocalDate,
  LocalTime,
  Name,
  OpCode,
  Slug,
  Text,
  TimeRange,
  TimeZone,
  Weekday,
  WEEKDAYS,
  toMinutes,
} from './common.js';

const noOverlap = (ranges: { start: string; end: string }[]) => {
  const sorted = [...ranges].sort((a, b) => toMinutes(a.start) - toMinutes(b.start));
  for (let i = 1; i < sorted.length; i++) if (toMinutes(sorted[i].start) < toMinutes(sorted[i - 1].end)) return false;
  return true;
};

const DayHours = z
  .array(TimeRange)
  .max(6)
  .refine(noOverlap, 'intervals of one day must not overlap');

export const OpeningHours = z
  .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, DayHours.default([])])) as Record<Weekday, z.ZodDefault<typeof DayHours>>)
  .meta({ description: 'Opening intervals per weekday in the workshop time zone; an empty list means closed' });

export const Policy = z.strictObject({
  targetOnTime: z.number().min(0.5).max(0.995).default(POLICY_DEFAULTS.targetOnTime).meta({ description: 'Probability at which promises must be kept' }),
  handoverBufferMinutes: z.number().int().min(0).max(240).default(POLICY_DEFAULTS.handoverBufferMinutes).meta({ description: 'QC, wash and paperwork after the last operation' }),
  waiterWeight: z.number().min(1).max(100).default(POLICY_DEFAULTS.waiterWeight).meta({ description: 'Tardiness weight of waiters relative to drop-offs' }),
  priorityWeight: z.number().min(1).max(100).default(POLICY_DEFAULTS.priorityWeight).meta({ description: 'Extra tardiness weight factor for high-priority repair orders' }),
  waiterMaxWaitMinutes: z.number().int().min(15).max(720).default(POLICY_DEFAULTS.waiterMaxWaitMinutes).meta({ description: 'Longest wait offered to a customer who waits on site, minutes from arrival (and always the same day)' }),
  promiseHeadroom: z.number().min(0).max(0.2).default(POLICY_DEFAULTS.promiseHeadroom).meta({
    description: 'Promise at the (target + headroom) quantile, capped at half the gap to 1: later bookings and replans can then erode a promise down to the target instead of being refused',
  }),
});

export const Reception = z.strictObject({
  advisors: z.number().int().min(1).max(100).default(2).meta({ description: 'Service advisors on duty at reception' }),
  checkInMinutes: z.number().min(1).max(120).default(8).meta({ description: 'Mean advisor time per check-in' }),
  checkInCv: z.number().min(0).max(3).default(0.6),
  walkInsPerDay: z.number().min(0).max(1000).default(0).meta({ description: 'Expected customers without appointment per open day' }),
  noShowRate: z.number().min(0).max(0.9).default(0.12).meta({ description: 'Share of booked appointments that do not arrive (industry 10–24%)' }),
  waitTargetMinutes: z.number().min(0).max(240).default(10),
  waitTargetShare: z.number().min(0.1).max(0.999).default(0.8),
});

export const Lane = z.strictObject({
  id: Slug,
  name: Name,
  opCodes: z.array(OpCode).min(1).max(100),
  servers: z.number().int().min(1).max(100).meta({ description: 'Technicians (with bays) working the lane in parallel' }),
});

export const WorkshopInput = z
  .strictObject({
    name: Name,
    timeZone: TimeZone,
    openingHours: OpeningHours,
    closedDates: z.array(LocalDate).max(366).default([]),
    slotMinutes: z.number().int().min(5).max(240).default(15).meta({ description: 'Appointment slot grid' }),
    policy: Policy.default(Policy.parse({})),
    reception: Reception.default(Reception.parse({})),
    lanes: z.array(Lane).max(20).default([]),
  })
  .superRefine((w, ctx) => {
    if (60 % w.slotMinutes !== 0 && w.slotMinutes % 60 !== 0)
      ctx.addIssue({ code: 'custom', path: ['slotMinutes'], message: 'must divide an hour or be a whole number of hours' });
    const ids = new Set<string>();
    w.lanes.forEach((l, i) => {
      if (ids.has(l.id)) ctx.addIssue({ code: 'custom', path: ['lanes', i, 'id'], message: 'duplicate lane id' });
      ids.add(l.id);
    });
  });
export type WorkshopInput = z.infer<typeof WorkshopInput>;

const Meta = {
  id: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const Workshop = z.object({ ...Meta, ...WorkshopInput.shape }).meta({ id: 'Workshop' });
export type Workshop = z.infer<typeof Workshop>;

// --- Bays ---------------------------------------------------------------------------------------
export const BayInput = z.strictObject({
  name: Name,
  capabilities: z.array(Slug).max(20).default([]).meta({ description: 'e.g. lift, alignment, ev, wash, diagnosis, tyre' }),
  active: z.boolean().default(true),
});
export type BayInput = z.infer<typeof BayInput>;
export const Bay = z.object({ ...Meta, workshopId: z.string(), ...BayInput.shape }).meta({ id: 'Bay' });
export type Bay = z.infer<typeof Bay>;

// --- Technicians --------------------------------------------------------------------------------
export const Shift = z
  .strictObject({
    weekday: Weekday,
    start: LocalTime,
    end: LocalTime,
    breaks: z.array(TimeRange).max(4).default([]),
  })
  .superRefine((s, ctx) => {
    if (toMinutes(s.end) <= toMinutes(s.start)) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
    s.breaks.forEach((b, i) => {
      if (toMinutes(b.start) < toMinutes(s.start) || toMinutes(b.end) > toMinutes(s.end))
        ctx.addIssue({ code: 'custom', path: ['breaks', i], message: 'break must lie inside the shift' });
    });
    if (!noOverlap(s.breaks)) ctx.addIssue({ code: 'custom', path: ['breaks'], message: 'breaks must not overlap' });
  });
export type Shift = z.infer<typeof Shift>;

export const Absence = z
  .strictObject({
    from: Instant,
    to: Instant,
    reason: z.enum(['vacation', 'sick', 'training', 'other']).default('other'),
  })
  .refine((a) => Date.parse(a.to) > Date.parse(a.from), { message: 'to must be after from', path: ['to'] });
export type Absence = z.infer<typeof Absence>;

export const TechnicianInput = z
  .strictObject({
    name: Name,
    skills: z
      .record(Slug, Level)
      .refine((r) => Object.keys(r).length <= 30, 'at most 30 skills')
      .meta({ description: 'skill → level (A > B > C), e.g. {"maintenance":"A","brakes":"B"}' }),
    evCertified: z.boolean().default(false).meta({ description: 'High-voltage certification: a hard qualification for EV work' }),
    efficiency: z.number().min(0.5).max(2).default(1).meta({ description: 'Flagged hours ÷ clocked hours; 1.2 = 20% faster than standard' }),
    shifts: z.array(Shift).max(21).default([]),
    absences: z.array(Absence).max(200).default([]),
    active: z.boolean().default(true),
  })
  .superRefine((t, ctx) => {
    for (const d of WEEKDAYS) {
      const of = t.shifts.map((s, i) => ({ s, i })).filter((x) => x.s.weekday === d);
      if (!noOverlap(of.map((x) => x.s))) ctx.addIssue({ code: 'custom', path: ['shifts'], message: `shifts on ${d} overlap` });
    }
  });
export type TechnicianInput = z.infer<typeof TechnicianInput>;
export const Technician = z.object({ ...Meta, workshopId: z.string(), ...TechnicianInput.shape }).meta({ id: 'Technician' });
export type Technician = z.infer<typeof Technician>;

// --- Operation catalogue ------------------------------------------------------------------------
export const OperationInput = z.strictObject({
  opCode: OpCode,
  name: Name,
  standardHours: z.number().gt(0).max(40).meta({ description: 'Flat-rate labour hours' }),
  skill: Slug,
  minLevel: Level.default('C'),
  requiresEv: z.boolean().default(false).meta({ description: 'Needs an EV-certified technician' }),
  bayCapability: Slug.nullable().default(null).meta({ description: 'Capability the bay must have; null = no bay needed' }),
  cv: z.number().min(0).max(2).default(0.35).meta({ description: 'Coefficient of variation of the actual duration' }),
  splittable: z.boolean().default(false).meta({ description: 'May be interrupted by a break or the night' }),
  parallel: z.boolean().default(false).meta({ description: 'May run at the same time as other operations of the vehicle' }),
});
export type OperationInput = z.infer<typeof OperationInput>;
export const Operation = z.object({ ...Meta, workshopId: z.string(), ...OperationInput.shape }).meta({ id: 'Operation' });
export type Operation = z.infer<typeof Operation>;

// --- Appointments / repair orders ---------------------------------------------------------------
export const APPOINTMENT_STATUSES = ['booked', 'checked_in', 'in_progress', 'ready', 'delivered', 'cancelled', 'no_show'] as const;
export const AppointmentStatus = z.enum(APPOINTMENT_STATUSES);
export type AppointmentStatus = z.infer<typeof AppointmentStatus>;

/** The guarded lifecycle of a repair order. */
/** The repair-order lifecycle is a rule of the trade: domain/rules/lifecycle.ts. */
export { APPOINTMENT_TRANSITIONS as TRANSITIONS } from '../domain/rules/lifecycle.js';
export { OPEN_STATUSES } from '../domain/rules/lifecycle.js';

export const Transport = z.enum(['waiter', 'drop_off', 'loaner', 'shuttle', 'valet']).meta({
  description: 'STAR transportation option; only "waiter" means the customer waits on site',
});

export const OpStatus = z.enum(['pending', 'in_progress', 'paused', 'done']);
export type OpStatus = z.infer<typeof OpStatus>;

export const AppointmentOperationInput = z.strictObject({
  opCode: OpCode,
  hours: z.number().gt(0).max(40).optional().meta({ description: 'Override of the catalogue standard hours' }),
  partsEta: Instant.optional().meta({ description: 'When the parts for this operation arrive' }),
});

export const AppointmentOperation = AppointmentOperationInput.extend({
  status: OpStatus,
  technicianId: z.string().optional(),
  bayId: z.string().optional(),
  startedAt: Instant.optional(),
  resumedAt: Instant.optional().meta({ description: 'last restart of the job clock after a pause' }),
  finishedAt: Instant.optional(),
  pausedReason: z.string().optional(),
  workedMinutes: z.number().optional().meta({ description: 'Clocked minutes so far (job clock)' }),
});
export type AppointmentOperation = z.infer<typeof AppointmentOperation>;

export const Customer = z.strictObject({
  name: Name,
  phone: Text(40).optional(),
  email: z.email().max(200).optional(),
  ref: Text(80).optional().meta({ description: 'Customer id in the dealer system' }),
});

export const Vehicle = z.strictObject({
  plate: Text(20).optional(),
  vin: z
    .string()
    .regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'a VIN has 17 characters (no I, O or Q)')
    .optional(),
  make: Text(60).optional(),
  model: Text(60).optional(),
  year: z.number().int().min(1900).max(2100).optional(),
  ev: z.boolean().default(false),
});

export const AppointmentInput = z.strictObject({
  customer: Customer,
  vehicle: Vehicle,
  plannedArrival: Instant,
  transport: Transport.default('drop_off'),
  operations: z.array(AppointmentOperationInput).min(1).max(LIMITS.operationsPerOrder),
  priority: z.enum(['normal', 'high']).default('normal'),
  promisedAt: Instant.nullable().default(null).meta({ description: 'Promised ready-by time told to the customer' }),
  notes: Text(2000).optional(),
});
export type AppointmentInput = z.infer<typeof AppointmentInput>;

export const AppointmentPatch = z.strictObject({
  customer: Customer.optional(),
  vehicle: Vehicle.optional(),
  plannedArrival: Instant.optional(),
  transport: Transport.optional(),
  operations: z.array(AppointmentOperationInput).min(1).max(LIMITS.operationsPerOrder).optional(),
  priority: z.enum(['normal', 'high']).optional(),
  promisedAt: Instant.nullable().optional(),
  notes: Text(2000).optional(),
  status: AppointmentStatus.optional().meta({ description: 'Lifecycle transition; illegal ones are 409' }),
});
export type AppointmentPatch = z.infer<typeof AppointmentPatch>;

export const Appointment = z
  .object({
    ...Meta,
    workshopId: z.string(),
    ...AppointmentInput.shape,
    operations: z.array(AppointmentOperation),
    status: AppointmentStatus,
    checkedInAt: Instant.optional(),
    readyAt: Instant.optional(),
    deliveredAt: Instant.optional(),
  })
  .meta({ id: 'Appointment' });
export type Appointment = z.infer<typeof Appointment>;

// --- floor events (job clock) ----------------------------------------------------------------------
const EventBase = { at: Instant.optional().meta({ description: 'when it happened (default: now)' }) };
const OpIndex = z.number().int().min(0).max(LIMITS.operationsPerOrder - 1);
export const FloorEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('checked_in'), ...EventBase }),
  z.strictObject({ type: z.literal('op_started'), ...EventBase, opIndex: OpIndex, technicianId: z.string().min(1).max(100), bayId: z.string().min(1).max(100).optional() }),
  z.strictObject({
    type: z.literal('op_paused'),
    ...EventBase,
    opIndex: OpIndex,
    reason: z.enum(['waiting_parts', 'waiting_approval', 'other']),
    partsEta: Instant.optional(),
  }),
  z.strictObject({ type: z.literal('op_resumed'), ...EventBase, opIndex: OpIndex }),
  z.strictObject({ type: z.literal('op_finished'), ...EventBase, opIndex: OpIndex }),
  z.strictObject({
    type: z.literal('parts_delayed'),
    ...EventBase,
    opIndex: OpIndex,
    partsEta: Instant.meta({ description: 'the new arrival of the parts (not before `at`): the operation is planned to start no earlier' }),
  }).meta({ description: 'the parts of an operation that has not started, or is paused, are expected at a new time (set or moved)' }),
  z.strictObject({ type: z.literal('parts_arrived'), ...EventBase, opIndex: OpIndex.optional().meta({ description: 'default: every operation waiting for parts' }) }),
]);
export type FloorEvent = z.infer<typeof FloorEvent>;

export const AbsenceInput = Absence;
