/**
 * Scenario files (scenarios/*.json): a whole workshop (settings, bays, technicians, catalogue)
 * plus its demand. The demo workshop loaded on first start is one; the planners' simulation
 * reads the same format. Every field is documented here, in one place.
 */
import { z } from 'zod';
import { Name, OpCode, Text, Weekday, WEEKDAYS } from './common.js';
import { BayInput, OperationInput, TechnicianInput, WorkshopInput } from './workshop.js';

const Hour = z.string().regex(/^([01]\d|2[0-3])$/, 'an hour of day "00"–"23"');

export const JobMixEntry = z.strictObject({
  name: Name,
  opCodes: z.array(OpCode).min(1).max(20).meta({ description: 'operations of this kind of visit, in order' }),
  weight: z.number().min(0).max(1e6).meta({ description: 'relative frequency' }),
});

export const Demand = z.strictObject({
  appointmentsPerDay: z
    .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, z.number().min(0).max(10_000).default(0)])) as Record<Weekday, z.ZodDefault<z.ZodNumber>>)
    .meta({ description: 'appointment requests per weekday (before no-shows)' }),
  arrivalProfile: z
    .record(Hour, z.number().min(0))
    .refine((r) => Object.values(r).some((v) => v > 0), 'at least one hour must have a positive weight')
    .meta({ description: 'relative weight of requested arrival hour (local time), e.g. {"07": 6, "08": 5}' }),
  jobMix: z.array(JobMixEntry).min(1).max(200),
  waiterShare: z.number().min(0).max(1).default(0.6).meta({ description: 'share of short jobs whose customer waits on site (60–65%)' }),
  waiterMaxHours: z.number().min(0).max(8).default(1.5).meta({ description: 'jobs up to this many standard hours are eligible for waiting' }),
  priorityShare: z.number().min(0).max(1).default(0.05),
  partsEtaShare: z.number().min(0).max(1).default(0.05).meta({ description: 'share of repair orders whose parts arrive after the vehicle' }),
  noShowRate: z.number().min(0).max(0.9).default(0.12).meta({ description: 'share of booked appointments that do not arrive (10–24%)' }),
  walkInsPerDay: z.number().min(0).max(1000).default(0),
  // ---- simulation only (all optional; the demo loader ignores them) ----
  walkInProfile: z
    .record(Hour, z.number().min(0))
    .refine((r) => Object.values(r).some((v) => v > 0), 'at least one hour must have a positive weight')
    .optional()
    .meta({ description: 'simulation: relative weight of walk-in arrival hour; default: the arrivalProfile' }),
  bookingLeadDays: z.number().int().min(0).max(30).optional().meta({ description: 'simulation: requests are made 0..n days before the wanted day (uniform; default 3)' }),
  maxDelayDays: z.number().int().min(0).max(14).optional().meta({ description: 'simulation: later days offered when the wanted day is full before the request is turned away (default 2)' }),
  arrivalJitterMinutes: z.number().min(0).max(120).optional().meta({ description: 'simulation: standard deviation of actual vs planned arrival (default 10)' }),
  partsDelayHours: z
    .strictObject({ mean: z.number().gt(0).max(24 * 30), cv: z.number().min(0).max(3).default(0.5) })
    .optional()
    .meta({ description: 'simulation: delay of late parts after the vehicle arrives, lognormal; default uniform 2–24 h as the demo book' }),
  absenceRate: z.number().min(0).max(0.5).optional().meta({ description: 'simulation: probability a technician is absent (sick) on a working day, unannounced (default 0)' }),
  comebackRate: z.number().min(0).max(0.5).optional().meta({ description: 'simulation: share of delivered repair orders that come back (unpaid rework) 1–5 days later (default 0)' }),
  truth: z
    .strictObject({
      default: z
        .strictObject({
          bias: z.number().gt(0).max(5).default(1),
          cv: z.number().min(0).max(3).optional(),
          distribution: z.enum(['lognormal', 'gamma']).default('lognormal'),
        })
        .optional(),
      opCodes: z
        .record(OpCode, z.strictObject({ bias: z.number().gt(0).max(5).default(1), cv: z.number().min(0).max(3).optional() }))
        .default({}),
    })
    .optional()
    .meta({
      description:
        'simulation: the TRUE durations, per op code: actual = standard ÷ efficiency × bias × noise(mean 1, cv). cv defaults to the catalogue cv (the planner\'s belief); gamma with cv 1 is exponential',
    }),
});
export type Demand = z.infer<typeof Demand>;

export const SeedBookings = z.strictObject({
  days: z.number().int().min(1).max(60).default(14),
  fill: z.number().min(0).max(1.5).default(0.8).meta({ description: 'fraction of the daily appointment requests booked in advance' }),
  seed: z.number().int().default(1),
});

export const Scenario = z
  .strictObject({
    name: Name,
    description: Text(4000).optional(),
    workshop: WorkshopInput,
    bays: z.array(BayInput).max(500),
    technicians: z.array(TechnicianInput).max(500),
    operations: z.array(OperationInput).min(1).max(2000),
    demand: Demand,
    seedBookings: SeedBookings.optional(),
    simulation: z
      .strictObject({
        startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').optional(),
        replanEveryMinutes: z.number().int().min(5).max(1440).default(60),
        promiseSamples: z.number().int().min(16).max(2000).default(64),
        booking: z
          .enum(['availability', 'insertion'])
          .default('availability')
          .meta({
            description:
              "appointment booking: 'availability' (default) = the service's policy: the promise engine's availability (promise rules, no existing promise pushed below target), the customer taking the first offered slot from the wanted time (hourly that day, then the same time on the next days); 'insertion' = a faster approximation: gap insertion with a same-day rule for drop-offs and the booking verdict's for waiters (same day, within waiterMaxWaitMinutes), existing promises not protected (about 2× faster)",
          }),
      })
      .optional()
      .meta({ description: 'simulation settings: first simulated day, scheduler replan cadence, Monte Carlo samples per promise' }),
  })
  .superRefine((s, ctx) => {
    const codes = new Set<string>();
    s.operations.forEach((o, i) => {
      if (codes.has(o.opCode)) ctx.addIssue({ code: 'custom', path: ['operations', i, 'opCode'], message: `duplicate op code ${o.opCode}` });
      codes.add(o.opCode);
    });
    s.demand.jobMix.forEach((m, i) =>
      m.opCodes.forEach((c, j) => {
        if (!codes.has(c)) ctx.addIssue({ code: 'custom', path: ['demand', 'jobMix', i, 'opCodes', j], message: `op code ${c} is not in the catalogue` });
      }),
    );
    Object.keys(s.demand.truth?.opCodes ?? {}).forEach((c) => {
      if (!codes.has(c)) ctx.addIssue({ code: 'custom', path: ['demand', 'truth', 'opCodes', c], message: `op code ${c} is not in the catalogue` });
    });
    s.workshop.lanes.forEach((l, i) =>
      l.opCodes.forEach((c, j) => {
        if (!codes.has(c)) ctx.addIssue({ code: 'custom', path: ['workshop', 'lanes', i, 'opCodes', j], message: `op code ${c} is not in the catalogue` });
      }),
    );
  });
export type Scenario = z.infer<typeof Scenario>;
