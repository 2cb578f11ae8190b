/** Configuration from the environment, validated once at start (see the README's table). */
import { z } from 'zod';

export const MAX_BODY_LIMIT = '10mb';
const UNIT = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;
/** Bytes of a BODY_LIMIT value ("512kb" → 524288); NaN if it is not one. */
export function bodyLimitBytes(v: string): number {
  const m = /^(\d+)(b|kb|mb)$/.exec(v);
  return m ? Number(m[1]) * UNIT[m[2] as keyof typeof UNIT] : NaN;
}
const MAX_BODY_LIMIT_BYTES = bodyLimitBytes(MAX_BODY_LIMIT);

const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_PATH: z.string().min(1).default('./data/baywise.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** largest accepted request body: a number with b, kb or mb (1024-based, as express reads it), at most MAX_BODY_LIMIT */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'a size such as 512kb or 1mb')
    .refine((v) => bodyLimitBytes(v) > 0 && bodyLimitBytes(v) <= MAX_BODY_LIMIT_BYTES, `between 1b and ${MAX_BODY_LIMIT}`)
    .default('1mb'),
  DEMO: Bool.default(true),
  DEMO_SCENARIO: z.string().default('scenarios/demo-dealership.json'),
  /** override of the demo's booking fill (share of daily demand booked ahead), e.g. for benchmarks */
  DEMO_BOOKING_FILL: z.coerce.number().min(0).max(1.5).optional(),
  SOLVER_TIME_LIMIT_MS: z.coerce.number().int().min(10).max(60_000).default(300),
  /** deadline of one queueing computation run in a worker; past it the worker is stopped and the request answers 422 computation_limit */
  QUEUEING_DEADLINE_MS: z.coerce.number().int().min(100).max(25_000).default(5000),
  SOLVER_MAX_ITERATIONS: z.coerce.number().int().min(1).max(10_000_000).optional(),
  /**
   * the client may say what time it is: every write under /v1/workshops and /v1/appointments then
   * accepts `?asOf` (an instant), the request's "now" for everything it does (tests, replays,
   * demos). Off, `asOf` on a write is a 400 naming this setting; reads accept it either way
   */
  CLIENT_CLOCK: Bool.default(false),
  /** planning engine worker threads (plans, quotes, availability, bookings, ETAs); 0 = on the HTTP thread. A `:memory:` store always plans on the HTTP thread */
  ENGINE_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  /** longest one engine call (a plan read, availability, a booking) may run; past it its worker is replaced and the request answers 503 */
  ENGINE_DEADLINE_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
  /** heap limit of each engine worker */
  ENGINE_HEAP_MB: z.coerce.number().int().min(128).max(16_384).default(1_024),
  /** engine calls waiting per worker; beyond it requests answer 503 with Retry-After */
  ENGINE_MAX_QUEUE: z.coerce.number().int().min(1).max(10_000).default(64),
  /** bound of a whole shutdown (drain included): at the deadline open connections are cut */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** after SIGTERM, how long /readyz answers 503 while everything is still served (load balancers move away) */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  /** time a client has to send a whole request (headers: at most 10 s of it); 408 beyond */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(200).max(300_000).default(30_000),
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

/** Cross-field rules (kept out of ConfigSchema so its shape stays a plain object). */
function crossFieldIssues(c: Config): string[] {
  const out: string[] = [];
  if (c.SHUTDOWN_DRAIN_MS >= c.SHUTDOWN_TIMEOUT_MS)
    out.push(`SHUTDOWN_DRAIN_MS: the drain (${c.SHUTDOWN_DRAIN_MS} ms) must be shorter than SHUTDOWN_TIMEOUT_MS (${c.SHUTDOWN_TIMEOUT_MS} ms), which bounds the whole shutdown`);
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = ConfigSchema.safeParse(env);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${msg}`);
  }
  const cross = crossFieldIssues(r.data);
  if (cross.length) throw new Error(`invalid configuration: ${cross.join('; ')}`);
  return r.data;
}
