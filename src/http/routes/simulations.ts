/**
 * What-if simulations as background jobs: POST starts one (202 + Location), GET polls status,
 * progress (0–1) and, when done, the KPI tables with 95% confidence intervals and the paired
 * comparison of each variant with the base; DELETE ends a job in any state (worker threads
 * terminated). Jobs run on worker threads, so the HTTP server keeps answering while they run;
 * SIM_MAX_RUNNING run at once, SIM_MAX_QUEUED more wait ("queued", with queuePosition), and beyond
 * that, or beyond SIM_MAX_JOBS_PER_SCENARIO for one scenario, POST answers 429 with Retry-After.
 */
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import {
  LIMITS, cancelSimulationJob, getSimulationJob, loadNamedScenario, parseInlineScenario, startSimulationJob,
} from '../../app/simulations.js';
import { Name } from '../../model/common.js';
import { Scenario } from '../../model/scenario.js';
import { reply, type Api } from '../api.js';
import { JsonSchemaDocument } from '../../model/responses.js';

const PatchOp = z.strictObject({
  op: z.enum(['add', 'replace', 'remove']),
  path: z.string().max(500).meta({ description: 'JSON Pointer (RFC 6901) into the scenario, e.g. /demand/walkInsPerDay' }),
  value: z.unknown().optional(),
});

const Variant = z.strictObject({
  name: Name,
  patch: z.array(PatchOp).min(1).max(100).meta({ description: 'JSON Patch (RFC 6902 subset: add, replace, remove) applied to the base scenario' }),
});

export const SimulationRequest = z
  .strictObject({
    scenario: z
      .union([z.string().max(100), z.record(z.string(), z.unknown())])
      .meta({ description: 'the name of a file in scenarios/ (e.g. "demo-dealership"), or a whole scenario object inline (the documented scenario schema)' }),
    days: z.number().int().min(1).max(LIMITS.days).default(20).meta({ description: `open days to simulate (≤ ${LIMITS.days})` }),
    replications: z.number().int().min(2).max(LIMITS.replications).default(30).meta({ description: `independent replications (≤ ${LIMITS.replications}); days × replications ≤ ${LIMITS.dayReplications}` }),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    variants: z.array(Variant).max(LIMITS.variants).default([]).meta({ description: 'scenarios compared with the base on the same random numbers' }),
  })
  .superRefine((b, ctx) => {
    if (b.days * b.replications > LIMITS.dayReplications)
      ctx.addIssue({ code: 'custom', path: ['replications'], message: `days × replications must be at most ${LIMITS.dayReplications} (asked ${b.days} × ${b.replications})` });
  });

const SimulationJob = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
    progress: z.number().meta({ description: 'share of replication-days simulated (0–1)' }),
    queuePosition: z.number().int().min(1).optional().meta({ description: 'while queued: place in the queue (1 = starts next)' }),
    request: z.unknown(),
    result: z
      .object({ base: z.unknown(), variants: z.array(z.unknown()), stats: z.unknown() })
      .nullable()
      .meta({ description: 'per scenario: KPIs (mean, 95% CI half-width) and by hour of day; per variant: paired differences with 95% CIs and significance' }),
    error: z.string().nullable().meta({ description: 'why a job failed, e.g. interrupted by a restart of the service, its time limit, its workers\' heap limit' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'SimulationJob' });

const present = (r: ReturnType<typeof getSimulationJob>) => ({ ...r, links: { self: `/v1/scenarios/simulations/${r.id}` } });

export function registerSimulationRoutes(api: Api, ctx: AppContext) {
  api
    .add({
      method: 'get',
      path: '/v1/scenarios/schema',
      operationId: 'getScenarioSchema',
      tag: 'scenarios',
      response: JsonSchemaDocument,
      summary: 'JSON Schema of scenario files (workshop + demand), generated from the zod schema that validates them',
      handler: () => reply(200, { $schema: 'https://json-schema.org/draft/2020-12/schema', ...scenarioJsonSchema() }),
    })
    .add({
      method: 'post',
      path: '/v1/scenarios/simulations',
      operationId: 'startSimulation',
      tag: 'simulation',
      summary: 'Start a what-if simulation of a scenario (and variants) in the background',
      description:
        'Discrete-event simulation of the workshop running the real booking (availability), scheduling and promise policies over `days` open days, `replications` times. ' +
        'Variants are JSON patches of the base scenario and run on the same random numbers, so their differences come with sharp paired confidence intervals. ' +
        `Bounded: days ≤ ${LIMITS.days}, replications ≤ ${LIMITS.replications}, days × replications ≤ ${LIMITS.dayReplications}, at most ${LIMITS.variants} variants. Poll the Location. ` +
        'A few jobs run at once (SIM_MAX_RUNNING); the next ones wait with `status: "queued"` and their `queuePosition` (at most SIM_MAX_QUEUED); ' +
        'beyond that, or beyond SIM_MAX_JOBS_PER_SCENARIO queued or running jobs of one scenario, the answer is 429 with Retry-After. ' +
        'A job runs for at most SIM_JOB_TIMEOUT_MS, its worker threads with a heap limit of SIM_WORKER_HEAP_MB; a job a restart interrupts is marked failed.',
      body: SimulationRequest,
      examples: { request: { scenario: 'demo-dealership', days: 5, replications: 10, seed: 1, variants: [{ name: 'four advisors', patch: [{ op: 'replace', path: '/workshop/reception/advisors', value: 4 }] }] } },
      status: 202,
      response: SimulationJob,
      errors: [404, 429],
      responseHeaders: [
        { name: 'Location', description: 'the job to poll: /v1/scenarios/simulations/{id}' },
        { name: 'Retry-After', status: 429, description: 'seconds until a place should be free (from the progress of the running jobs)' },
      ],
      handler: ({ body }) => {
        const scenario = typeof body.scenario === 'string' ? loadNamedScenario(body.scenario) : parseInlineScenario(body.scenario);
        const rec = startSimulationJob(ctx, {
          scenario,
          scenarioName: typeof body.scenario === 'string' ? body.scenario : scenario.name,
          days: body.days,
          replications: body.replications,
          seed: body.seed,
          variants: body.variants.map((v) => ({ name: v.name, patch: v.patch as never })),
        });
        return reply(202, present(rec), { location: `/v1/scenarios/simulations/${rec.id}` });
      },
    })
    .add({
      method: 'get',
      path: '/v1/scenarios/simulations/:id',
      operationId: 'getSimulation',
      tag: 'simulation',
      summary: 'Status, progress (0–1) and, when done, the results of a simulation',
      response: SimulationJob,
      errors: [404],
      handler: ({ params }) => present(getSimulationJob(ctx, params.id)),
    })
    .add({
      method: 'delete',
      path: '/v1/scenarios/simulations/:id',
      operationId: 'cancelSimulation',
      tag: 'simulation',
      summary: 'End a simulation: a queued or running one is cancelled (its worker threads terminated); one that has already ended is returned as it is',
      response: SimulationJob,
      errors: [404],
      handler: ({ params }) => present(cancelSimulationJob(ctx, params.id)),
    });
}

let cachedSchema: Record<string, unknown> | undefined;
function scenarioJsonSchema(): Record<string, unknown> {
  if (!cachedSchema) {
    const { $schema: _s, ...rest } = z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    cachedSchema = rest;
  }
  return cachedSchema;
}
