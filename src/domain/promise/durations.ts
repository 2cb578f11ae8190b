/**
 * Duration model: actual = planned × M with ln M ~ N(mu, sigma²), per op code, with an optional
 * per-technician shift of mu learnt from job-clock history.
 *
 * planned = standard minutes ÷ technician efficiency (what the compiled model's alternatives hold).
 *
 * Prior per op code (from the catalogue cv): sigma0² = ln(1 + cv²), mu0 = −sigma0²/2, so the prior
 * mean of M is exactly 1 (mean-preserving: the catalogue's standard time is the expected time).
 *
 * Learning per op code: normal–inverse-gamma conjugate update on y = ln(actual ÷ planned) with the
 * prior worth `priorWeight` (k ≈ 10) pseudo-observations both for the location (kappa0 = k) and for
 * the scale (alpha0 = k/2, beta0 = alpha0·sigma0², so the prior guess of sigma² is sigma0²):
 *   kappa_n = k + n, mu_n = (k·mu0 + n·ȳ)/(k + n)
 *   alpha_n = k/2 + n/2, beta_n = beta0 + ½·Σ(y − ȳ)² + k·n·(ȳ − mu0)²/(2(k + n))
 *   sigma² = beta_n / alpha_n  (posterior point estimate; converges to the sample variance)
 * Two observations move mu by at most 2/12 of their deviation: a few observations cannot swing it.
 *
 * Per technician (across op codes, because a technician who is slower than their efficiency says is
 * usually slower on everything): residual r = y − mu_n(op code); with n_t ≥ `techMinObservations`
 * the technician's shift is Σr / (n_t + techPriorWeight) (shrunk toward 0, empirical Bayes with a
 * zero-mean prior worth techPriorWeight observations); below the threshold there is no shift.
 * The shift moves mu only; sigma stays the op code's.
 */

export interface JobClockObservation {
  opCode: string;
  /** technician who did the work; null when unknown */
  technicianKey: string | null;
  /** planned minutes for that technician (standard ÷ efficiency) */
  plannedMinutes: number;
  /** clocked working minutes */
  actualMinutes: number;
}

export interface DurationParams {
  /** mean of ln(actual ÷ planned) */
  mu: number;
  /** standard deviation of ln(actual ÷ planned) */
  sigma: number;
}

export interface DurationModel {
  /** log-space parameters of the actual ÷ planned ratio for an op code (and technician, if known) */
  params(opCode: string, techKey?: string | null): DurationParams;
  /** diagnostics: observations used per op code and the technician shifts in effect */
  readonly opCodes: ReadonlyMap<string, { n: number; mu: number; sigma: number }>;
  readonly techShift: ReadonlyMap<string, { n: number; shift: number }>;
}

export interface FitOptions {
  /** pseudo-observations of the catalogue prior (default 10) */
  priorWeight?: number;
  /** technician shifts appear from this many observations (default 5) */
  techMinObservations?: number;
  /** shrinkage of technician shifts, in pseudo-observations at shift 0 (default 10) */
  techPriorWeight?: number;
  /** cv for op codes that are not in the priors (default 0.35, the catalogue default) */
  defaultCv?: number;
}

/** Mean-preserving lognormal parameters for a coefficient of variation. */
export function priorParams(cv: number): DurationParams {
  const s2 = Math.log(1 + Math.max(0, cv) ** 2);
  return { mu: -s2 / 2, sigma: Math.sqrt(s2) };
}

/** Fits the duration model; observations with non-positive minutes are ignored. */
export function fitDurationModel(
  priors: ReadonlyMap<string, number>,
  observations: readonly JobClockObservation[],
  opts: FitOptions = {},
): DurationModel {
  const k = opts.priorWeight ?? 10;
  const techMin = opts.techMinObservations ?? 5;
  const techK = opts.techPriorWeight ?? 10;
  const defaultCv = opts.defaultCv ?? 0.35;
  const valid = observations.filter((o) => o.plannedMinutes > 0 && o.actualMinutes > 0 && Number.isFinite(o.actualMinutes));
  // per op code sufficient statistics
  const stats = new Map<string, { n: number; sum: number; sumSq: number }>();
  for (const o of valid) {
    const y = Math.log(o.actualMinutes / o.plannedMinutes);
    const s = stats.get(o.opCode) ?? { n: 0, sum: 0, sumSq: 0 };
    s.n++; s.sum += y; s.sumSq += y * y;
    stats.set(o.opCode, s);
  }
  const prior = (code: string) => priorParams(priors.get(code) ?? defaultCv);
  const opCodes = new Map<string, { n: number; mu: number; sigma: number }>();
  for (const [code, s] of stats) {
    const p = prior(code);
    const s02 = p.sigma * p.sigma;
    const ybar = s.sum / s.n;
    const ss = Math.max(0, s.sumSq - s.n * ybar * ybar);
    const muN = (k * p.mu + s.n * ybar) / (k + s.n);
    const alpha0 = k / 2;
    const alphaN = alpha0 + s.n / 2;
    const betaN = alpha0 * s02 + 0.5 * ss + (k * s.n * (ybar - p.mu) ** 2) / (2 * (k + s.n));
    opCodes.set(code, { n: s.n, mu: muN, sigma: Math.sqrt(betaN / alphaN) });
  }
  const opParams = (code: string): DurationParams => opCodes.get(code) ?? prior(code);
  // technician shifts from residuals against the op-code posterior
  const tech = new Map<string, { n: number; sum: number }>();
  for (const o of valid) {
    if (o.technicianKey === null) continue;
    const r = Math.log(o.actualMinutes / o.plannedMinutes) - opParams(o.opCode).mu;
    const t = tech.get(o.technicianKey) ?? { n: 0, sum: 0 };
    t.n++; t.sum += r;
    tech.set(o.technicianKey, t);
  }
  const techShift = new Map<string, { n: number; shift: number }>();
  for (const [key, t] of tech) if (t.n >= techMin) techShift.set(key, { n: t.n, shift: t.sum / (t.n + techK) });
  return {
    opCodes,
    techShift,
    params(opCode: string, techKey?: string | null): DurationParams {
      const p = opParams(opCode);
      const shift = techKey ? techShift.get(techKey)?.shift ?? 0 : 0;
      return shift === 0 ? p : { mu: p.mu + shift, sigma: p.sigma };
    },
  };
}

/** A duration model with the catalogue priors only (no history). */
export function priorDurationModel(priors: ReadonlyMap<string, number>, defaultCv = 0.35): DurationModel {
  return fitDurationModel(priors, [], { defaultCv });
}
