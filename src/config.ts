/** Configuration from the environment, validated once at start (see the README's table). */
import { z } from 'zod';

const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_PATH: z.string().min(1).default('./data/baywise.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('1mb'),
  DEMO: Bool.default(true),
  DEMO_SCENARIO: z.string().default('scenarios/demo-dealership.json'),
  /** override of the demo's booking fill (share of daily demand booked ahead), e.g. for benchmarks */
  DEMO_BOOKING_FILL: z.coerce.number().min(0).max(1.5).optional(),
  SOLVER_TIME_LIMIT_MS: z.coerce.number().int().min(10).max(60_000).default(300),
  /** deadline of one queueing computation run in a worker; past it the worker is stopped and the request answers 422 computation_limit */
  QUEUEING_DEADLINE_MS: z.coerce.number().int().min(100).max(25_000).default(5000),
  SOLVER_MAX_ITERATIONS: z.coerce.number().int().min(1).max(10_000_000).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** simulation jobs: how many run at once (each on SIM_WORKERS_PER_JOB worker threads) */
  SIM_MAX_RUNNING: z.coerce.number().int().min(1).max(64).default(2),
  /** simulation jobs waiting for a slot (status "queued" with a queuePosition); beyond it POST answers 429 */
  SIM_MAX_QUEUED: z.coerce.number().int().min(0).max(1000).default(8),
  /** simulation jobs of one scenario (by name) queued or running at once; beyond it POST answers 429 */
  SIM_MAX_JOBS_PER_SCENARIO: z.coerce.number().int().min(1).max(1000).default(4),
  /** worker threads per simulation job (default: the cores but one, 1 to 4) */
  SIM_WORKERS_PER_JOB: z.coerce.number().int().min(1).max(64).optional(),
  /** heap limit (old generation) of each simulation worker thread, MB */
  SIM_WORKER_HEAP_MB: z.coerce.number().int().min(16).max(16_384).default(256),
  /** wall time a simulation job may run before it is stopped and marked failed */
  SIM_JOB_TIMEOUT_MS: z.coerce.number().int().min(1000).max(86_400_000).default(1_800_000),
});
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = ConfigSchema.safeParse(env);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${msg}`);
  }
  return r.data;
}
