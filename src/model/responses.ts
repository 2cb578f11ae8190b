/**
 * Response shapes of the planning and promise endpoints, for the OpenAPI document (clients such
 * as dispatch boards and advisor screens generate code from it). A test parses real responses
 * with these schemas, so the documentation cannot drift from what the service sends.
 */
import { z } from 'zod';
import { Appointment } from './workshop.js';

const When = z.string().meta({ format: 'date-time' });
const Prob = z.number().min(0).max(1);

export const PlanResponse = z
  .object({
    workshopId: z.string(),
    asOf: When,
    revision: z.number().int(),
    objective: z.object({
      weightedTardiness: z.number(),
      sumCompletion: z.number(),
      overtimeMinutes: z.number(),
      changes: z.number(),
      makespan: z.number(),
      total: z.number(),
    }),
    lowerBound: z.number().meta({ description: 'lower bound on weighted tardiness (minutes × weight)' }),
    stats: z.object({ engine: z.string(), iterations: z.number(), elapsedMs: z.number(), opsMoved: z.number().nullable() }).loose(),
    assignments: z.array(
      z.object({ appointmentId: z.string(), opIndex: z.number().int(), opCode: z.string(), technicianId: z.string(), bayId: z.string().nullable(), start: When, end: When }),
    ),
    unscheduled: z.array(z.object({ appointmentId: z.string(), opIndex: z.number().int(), opCode: z.string(), reason: z.string() })),
    degraded: z
      .object({
        reason: z.string().meta({ description: 'what went wrong, e.g. the plan checker’s first finding on the solver’s plan' }),
        fallback: z.enum(['construction', 'repaired']).meta({
          description: 'construction: the first-come-first-served dispatch plan; repaired: the operations the checker named were taken off the plan (listed in unscheduled)',
        }),
        violations: z.array(z.object({ code: z.string(), op: z.string(), message: z.string() })).meta({ description: 'checker findings left on the fallback (normally empty)' }),
      })
      .optional()
      .meta({ description: 'present only when the solver failed or its plan failed the independent plan checker (a defect, logged): the plan is a checked fallback until the next replan' }),
  })
  .meta({ id: 'Plan' });

const BoardItem = z.object({
  appointmentId: z.string(),
  opIndex: z.number().int(),
  opCode: z.string(),
  opName: z.string(),
  vehicle: z.object({ plate: z.string().nullable(), make: z.string().nullable(), model: z.string().nullable() }),
  customer: z.string(),
  transport: z.string(),
  start: When,
  end: When,
  status: z.string(),
  appointmentStatus: z.string(),
  promisedAt: When.nullable(),
  plannedReady: When.nullable(),
  lateRisk: z.enum(['ok', 'tight', 'at_risk', 'late', 'no_promise']),
  onTimeProbability: Prob.nullable(),
  slackMinutes: z.number().nullable(),
});

export const BoardResponse = z
  .object({
    workshopId: z.string(),
    date: z.string(),
    asOf: When,
    technicians: z.array(z.object({ technicianId: z.string(), name: z.string(), operations: z.array(BoardItem.extend({ bayId: z.string().nullable() })) })),
    bays: z.array(z.object({ bayId: z.string(), name: z.string(), operations: z.array(BoardItem.extend({ technicianId: z.string() })) })),
    unscheduled: z.array(z.object({ appointmentId: z.string(), opIndex: z.number().int(), opCode: z.string(), reason: z.string() })),
  })
  .meta({ id: 'Board' });

const Quantiles = z.object({ p50: When, p80: When, p90: When, p95: When });
const Bottleneck = z
  .object({ kind: z.enum(['technician', 'bay', 'release', 'own_work']), id: z.string().nullable(), name: z.string().nullable(), share: Prob })
  .nullable();

export const QuoteResponse = z
  .object({
    arrival: When,
    transport: z.string(),
    promisedReadyBy: When,
    target: Prob,
    onTimeProbability: Prob,
    quantiles: Quantiles,
    plannedFinish: When,
    bottleneck: Bottleneck,
    plannedOperations: z.array(z.object({ opCode: z.string(), technicianId: z.string(), bayId: z.string().nullable(), start: When, end: When })),
    effectOnExistingPromises: z.object({
      affected: z.number().int(),
      belowTarget: z.array(z.object({ appointmentId: z.string(), before: Prob, after: Prob })),
    }),
    bookable: z.boolean(),
    reason: z.string().optional(),
    samples: z.number().int(),
  })
  .meta({ id: 'Quote' });

export const AvailabilityResponse = z
  .object({
    workshopId: z.string(),
    opCodes: z.array(z.string()),
    waiter: z.boolean(),
    target: Prob,
    asOf: When,
    slots: z.array(z.object({ start: When, promisedReadyBy: When, onTimeProbability: Prob })),
    rejected: z.record(z.string(), z.number().int()).meta({ description: 'rejected candidate slots by reason' }),
    days: z.array(
      z.object({
        date: z.string(),
        offeredSlots: z.number().int(),
        slots: z.number().int(),
        freeTechnicianMinutesBySkill: z.record(z.string(), z.number()),
        freeBayMinutesByCapability: z.record(z.string(), z.number()),
      }),
    ),
    stats: z.object({ candidates: z.number().int(), simulated: z.number().int(), reused: z.number().int(), skippedEarly: z.number().int(), samples: z.number().int(), computeMs: z.number() }),
  })
  .meta({ id: 'Availability' });

export const EtaResponse = z
  .object({
    appointmentId: z.string(),
    status: z.string(),
    promisedAt: When.nullable(),
    asOf: When.optional(),
    readyAt: When.nullable().optional(),
    onTime: z.boolean().nullable().optional(),
    forecast: Quantiles.nullable().optional(),
    probabilityOnTime: Prob.nullable().optional(),
    bottleneck: Bottleneck.optional(),
    reason: z.string().optional(),
    operations: z
      .array(z.object({ opIndex: z.number().int(), opCode: z.string(), status: z.string(), technicianId: z.string().nullable(), plannedStart: When.nullable(), plannedEnd: When.nullable() }))
      .optional(),
  })
  .meta({ id: 'Eta' });

export const AtRiskResponse = z
  .object({
    workshopId: z.string(),
    threshold: Prob,
    asOf: When,
    checked: z.number().int(),
    items: z.array(
      z.object({
        appointmentId: z.string(),
        customer: z.string(),
        phone: z.string().nullable(),
        vehicle: z.string().nullable(),
        transport: z.string(),
        status: z.string(),
        promisedAt: When.nullable(),
        probabilityOnTime: Prob,
        forecastP90: When,
        cause: Bottleneck,
      }),
    ),
  })
  .meta({ id: 'AtRisk' });

/* ---- floor ---- */

export const FloorEventResult = z
  .object({
    eventId: z.number().int(),
    appointment: Appointment,
    eta: EtaResponse.optional().meta({ description: 'the new ETA of the repair order after the replan the event caused' }),
  })
  .meta({ id: 'FloorEventResult' });

export const FloorEventList = z
  .object({
    items: z.array(
      z.object({
        id: z.number().int(),
        type: z.string(),
        at: When,
        data: z.unknown().meta({ description: 'the event as it was reported' }),
      }),
    ),
  })
  .meta({ id: 'FloorEventList' });

/* ---- queueing ---- */

const Point = z.object({ t: z.number(), p: z.number() });

export const QueueEstimate = z
  .object({
    model: z.string().optional().meta({ description: 'the model that answered (absent for shift_plan)' }),
    stable: z.boolean().optional().meta({ description: 'false when the load is at or above capacity (then `growth` says how fast the queue grows)' }),
  })
  .loose()
  .meta({
    id: 'QueueEstimate',
    description:
      'The figures of the requested model, in minutes and per minute: e.g. for mmc utilisation, probWait (Erlang C), meanWait, meanQueue, meanSojourn, waitTail [{t, p}] and waitQuantiles [{q, t}]; ' +
      'for time_varying and staffing one entry per period; for shift_plan the chosen pattern counts and their cost.',
  });

export const ReceptionForecast = z
  .object({
    workshopId: z.string(),
    date: z.string().meta({ format: 'date' }),
    open: z.boolean(),
    method: z.string().optional(),
    advisorsOnDuty: z.number().int().optional(),
    checkInMinutes: z.number().optional(),
    target: z.object({ maxWaitMinutes: z.number(), share: Prob }).optional(),
    hours: z.array(
      z.object({
        hour: z.string().meta({ description: 'local hour HH:00' }),
        bookedArrivals: z.number().int(),
        expectedNoShows: z.number(),
        expectedWalkIns: z.number(),
        expectedArrivals: z.number(),
        meanWaitMinutes: z.number(),
        probWaitOverTarget: Prob.nullable(),
        utilisation: z.number(),
        advisorsNeeded: z.number().int().nullable(),
      }),
    ),
    advisorsNeededPeak: z.number().int().nullable().optional(),
    squareRootRule: z.array(z.number().int()).optional().meta({ description: 'advisors per hour by the square-root staffing rule, for comparison' }),
  })
  .meta({ id: 'ReceptionForecast' });

const MinuteQuantiles = z.object({ p50: z.number(), p80: z.number(), p90: z.number(), p95: z.number() });

export const WalkInEta = z
  .object({
    workshopId: z.string(),
    lane: z.object({ id: z.string(), name: z.string(), servers: z.number().int() }),
    at: When,
    state: z.object({ inService: z.number().int(), queued: z.number().int() }),
    method: z.string(),
    wait: z.object({ meanMinutes: z.number(), quantiles: MinuteQuantiles, within: z.array(Point).meta({ description: 'probability p of waiting at most t minutes' }) }),
    readyBy: Quantiles,
    promise: When,
    target: Prob,
    closesAt: When,
    probReadyBeforeClose: Prob,
  })
  .meta({ id: 'WalkInEta' });

const Usage = { loadMinutes: z.number(), capacityMinutes: z.number(), utilisation: z.number().nullable() };

export const CapacityOutlook = z
  .object({
    workshopId: z.string(),
    from: When,
    to: When,
    days: z.array(
      z.object({
        date: z.string().meta({ format: 'date' }),
        open: z.boolean(),
        appointments: z.number().int(),
        loadStandardMinutes: z.number(),
        capacityStandardMinutes: z.number(),
        utilisation: z.number().nullable(),
        bySkill: z.array(z.object({ skill: z.string(), ...Usage })),
        byBayCapability: z.array(z.object({ capability: z.string(), ...Usage })),
        unplannedLeadTime: z
          .object({
            stable: z.boolean(),
            method: z.string(),
            meanWaitMinutes: z.number().optional(),
            meanLeadTimeMinutes: z.number().optional(),
            utilisation: z.number(),
            growth: z.number().optional(),
          })
          .nullable()
          .meta({ description: 'M/G/c estimate of the lead time of one more unplanned repair order that day (null on a day without work)' }),
      }),
    ),
  })
  .meta({ id: 'CapacityOutlook' });

/* ---- documents ---- */

export const JsonSchemaDocument = z
  .record(z.string(), z.unknown())
  .meta({ id: 'JsonSchemaDocument', description: 'A JSON Schema (draft 2020-12) document' });

export const OpenApiDocument = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document' });
