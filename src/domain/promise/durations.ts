/**
 * Duration model: actual = planned × M, y = ln M, per op code, with a workshop-wide level, a
 * workshop-wide dispersion level and per-technician shifts learnt from job-clock history.
 *
 * planned = standard minutes ÷ technician's STATED efficiency (what the compiled model's
 * alternatives hold; the floor records observations the same way).
 *
 * Hierarchy (empirical Bayes, all conjugate or closed form):
 *   y = mu_c + shift_t + e,   e ~ N(0, sigma_c²)
 *   sigma_c² prior centre  D·s0_c²            s0_c² = ln(1 + cv_c²) from the catalogue,
 *                                              D = workshop dispersion level (learnt, prior 1)
 *   mu_c prior centre       L − D·s0_c²/2      L = workshop log level of the MEAN ratio (learnt,
 *                                              prior 0: "the book is right"), so the centre is
 *                                              mean-preserving: E[M] = e^L for every op code
 *   mu_c prior weight       k pseudo-observations (priorWeight, default 10)
 * With no history (L = 0, D = 1) the centre is the catalogue's mean-preserving lognormal.
 *
 * Estimation (a few backfitting passes; each closed form):
 *   1. D: pooled within-op-code sum of squares of y − shift, each op code scaled by s0_c², with a
 *      prior of `priorWeight` degrees of freedom at D = 1:
 *        D = (k + Σ_c SS_c / s0_c²) / (k + Σ_c (n_c − 1))
 *   2. L: precision-weighted mean of the op codes' implied levels d_c = ȳ_c + D·s0_c²/2, weights
 *      w_c = 1 / (D·s0_c²·(1/n_c + 1/k)) (sampling noise + the op code's own deviation from the
 *      level), with a N(0, levelPriorSd²) prior: L = Σ w_c d_c / (Σ w_c + 1/levelPriorSd²),
 *      Var L = 1 / (Σ w_c + 1/levelPriorSd²). Many op codes with few observations each pin L down
 *      quickly; none of them moves its own op code much.
 *   3. per op code: normal–inverse-gamma update on y − shift with the hierarchical centre:
 *        kappa_n = k + n, mu_n = (k·m_c + n·ȳ)/kappa_n             (m_c = L − D·s0_c²/2)
 *        alpha_n = k/2 + n/2, beta_n = (k/2)·D·s0_c² + ½·SS + k·n·(ȳ − m_c)²/(2·kappa_n)
 *   4. technicians (across op codes): residual r = y − mu_n(op code); with n_t ≥ techMinObservations
 *      shift_t = Σr / (n_t + techPriorWeight) (shrunk toward 0); below the threshold no shift. The
 *      shifts are then centred (Σ n_t·shift_t = 0 over all observations): "all technicians are
 *      slower" and "the workshop is slower" cannot be told apart, and the latter is what an unknown
 *      technician (or one with too little history) should get. A shift is relative to the
 *      workshop-average technician.
 * Steps 1–4 are repeated (shifts change the op codes' data and vice versa) until they settle.
 *
 * Forecasts use the posterior PREDICTIVE of y for a new job (`params`, once there is history;
 * with none, the catalogue's lognormal exactly as stated): a Student-t with
 *   location mu_n + shift_t, df = 2·alpha_n,
 *   scale² = (beta_n/alpha_n)·(1 + 1/kappa_n) + (k/kappa_n)²·Var L + sigma_c²/(n_t + techPriorWeight)
 * (noise + uncertainty of the op code's mean + of the workshop level it was shrunk toward + of the
 * technician's shift, when one is in effect). A sparse op code therefore gets wider tails than a
 * well-observed one with the same spread; with much data the predictive converges to N(mu, sigma²).
 * `opCodes` reports the posterior point estimates (mu_n, sigma = sqrt(beta_n/alpha_n)).
 */

export interface JobClockObservation {
  opCode: string;
  /** technician who did the work; null when unknown */
  technicianKey: string | null;
  /** planned minutes for that technician (standard ÷ stated efficiency) */
  plannedMinutes: number;
  /** clocked working minutes */
  actualMinutes: number;
}

export interface DurationParams {
  /** location of ln(actual ÷ planned) */
  mu: number;
  /** scale of ln(actual ÷ planned) (the standard deviation when df is absent) */
  sigma: number;
  /**
   * degrees of freedom of a Student-t on ln(actual ÷ planned) (posterior predictive); absent or
   * Infinity: normal (lognormal factor)
   */
  df?: number;
}

export interface OpCodeFit {
  /** observations of the op code */
  n: number;
  /** posterior mean of mu (point estimate, no technician shift) */
  mu: number;
  /** posterior point estimate of sigma: sqrt(beta_n / alpha_n) */
  sigma: number;
  /** pseudo-observations behind mu (k + n) */
  kappa: number;
  /** degrees of freedom of the predictive (2·alpha_n) */
  df: number;
}

export interface WorkshopLevel {
  /** L: workshop log level of the mean actual ÷ planned ratio (e^L = "our jobs take e^L × book") */
  level: number;
  /** posterior standard deviation of L */
  levelSd: number;
  /** D: workshop dispersion level (sigma² = D × catalogue sigma² at the centre); sqrt(D) is the cv-ish ratio */
  dispersion: number;
  /** observations used */
  n: number;
}

export interface DurationModel {
  /**
   * predictive log-space parameters of the actual ÷ planned ratio of a NEW job of an op code (and
   * technician, if known)
   */
  params(opCode: string, techKey?: string | null): DurationParams;
  /** diagnostics: posterior point estimates per observed op code and the technician shifts in effect */
  readonly opCodes: ReadonlyMap<string, { n: number; mu: number; sigma: number }>;
  readonly techShift: ReadonlyMap<string, { n: number; shift: number }>;
  /** diagnostics: the workshop-wide level and dispersion (fitted models only) */
  readonly workshop?: WorkshopLevel;
}

export interface FitOptions {
  /** pseudo-observations of the (hierarchical) prior of each op code, for mu and sigma (default 10) */
  priorWeight?: number;
  /** prior sd of the workshop log level L around 0 (the catalogue is right on average), default 0.07 */
  levelPriorSd?: number;
  /** technician shifts appear from this many observations (default 5) */
  techMinObservations?: number;
  /** shrinkage of technician shifts, in pseudo-observations at shift 0 (default 10) */
  techPriorWeight?: number;
  /** cv for op codes that are not in the priors (default 0.35, the catalogue default) */
  defaultCv?: number;
  /**
   * true: `params` gives the posterior predictive (Student-t with parameter uncertainty); false:
   * the posterior point estimates as a plain lognormal. Default: true when there is at least one
   * valid observation; with no history at all the catalogue is used exactly as stated (its cv is
   * the human's statement of the job-to-job spread; parameter uncertainty is added once the model
   * starts learning from the workshop's own clocks).
   */
  predictive?: boolean;
}

/** Mean-preserving lognormal parameters for a coefficient of variation. */
export function priorParams(cv: number): DurationParams {
  const s2 = Math.log(1 + Math.max(0, cv) ** 2);
  return { mu: -s2 / 2, sigma: Math.sqrt(s2) };
}

/**
 * Student-t quantile at the probability Φ(z) (Cornish–Fisher expansion in 1/df, Abramowitz &
 * Stegun 26.7.5): a monotone map of a standard normal variate to a t variate, so the forecast's
 * common random numbers keep working. Accurate to ~1e-3 for df ≥ 5 and |z| ≤ 3.5; df below 5 is
 * treated as 5; df = Infinity returns z.
 */
export function studentTFromNormal(z: number, df: number): number {
  if (!(df < Infinity)) return z;
  const v = Math.max(5, df);
  const z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
  const g1 = (z3 + z) / 4;
  const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  const g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / v) / v) / v) / v;
}

interface OpStats { n: number; sum: number; sumSq: number }

/** Fits the duration model; observations with non-positive or non-finite minutes are ignored. */
export function fitDurationModel(
  priors: ReadonlyMap<string, number>,
  observations: readonly JobClockObservation[],
  opts: FitOptions = {},
): DurationModel {
  const k = opts.priorWeight ?? 10;
  const levelSd0 = opts.levelPriorSd ?? 0.07;
  const techMin = opts.techMinObservations ?? 5;
  const techK = opts.techPriorWeight ?? 10;
  const defaultCv = opts.defaultCv ?? 0.35;
  const valid = observations.filter(
    (o) => o.plannedMinutes > 0 && o.actualMinutes > 0 && Number.isFinite(o.actualMinutes) && Number.isFinite(o.plannedMinutes),
  );
  const predictive = opts.predictive ?? valid.length > 0;
  const ys = valid.map((o) => Math.log(o.actualMinutes / o.plannedMinutes));
  /** catalogue log-variance ln(1 + cv²) */
  const s02 = (code: string) => -2 * priorParams(priors.get(code) ?? defaultCv).mu;

  let L = 0, varL = levelSd0 * levelSd0, D = 1;
  const shifts = new Map<string, number>();
  const techN = new Map<string, number>();
  for (const o of valid) if (o.technicianKey !== null) techN.set(o.technicianKey, (techN.get(o.technicianKey) ?? 0) + 1);
  let post = new Map<string, OpCodeFit>();
  const passes = valid.length ? 12 : 1;
  for (let pass = 0; pass < passes; pass++) {
    // per op code sufficient statistics of y − shift
    const stats = new Map<string, OpStats>();
    valid.forEach((o, i) => {
      const y = ys[i] - (o.technicianKey !== null ? shifts.get(o.technicianKey) ?? 0 : 0);
      const s = stats.get(o.opCode) ?? { n: 0, sum: 0, sumSq: 0 };
      s.n++; s.sum += y; s.sumSq += y * y;
      stats.set(o.opCode, s);
    });
    // 1. workshop dispersion level
    let num = k, den = k;
    for (const [code, s] of stats) {
      const ybar = s.sum / s.n;
      num += Math.max(0, s.sumSq - s.n * ybar * ybar) / s02(code);
      den += s.n - 1;
    }
    D = num / den;
    // 2. workshop level
    let wsum = 1 / (levelSd0 * levelSd0), wd = 0;
    for (const [code, s] of stats) {
      const c2 = D * s02(code);
      const w = 1 / (c2 * (1 / s.n + 1 / k));
      wsum += w;
      wd += w * (s.sum / s.n + c2 / 2);
    }
    L = wd / wsum;
    varL = 1 / wsum;
    // 3. op codes
    post = new Map();
    for (const [code, s] of stats) {
      const c2 = D * s02(code);
      const m = L - c2 / 2;
      const ybar = s.sum / s.n;
      const ss = Math.max(0, s.sumSq - s.n * ybar * ybar);
      const kappa = k + s.n;
      const alpha = k / 2 + s.n / 2;
      const beta = (k / 2) * c2 + 0.5 * ss + (k * s.n * (ybar - m) ** 2) / (2 * kappa);
      post.set(code, { n: s.n, mu: (k * m + s.n * ybar) / kappa, sigma: Math.sqrt(beta / alpha), kappa, df: 2 * alpha });
    }
    // 4. technicians
    const tsum = new Map<string, number>();
    valid.forEach((o, i) => {
      if (o.technicianKey === null) return;
      tsum.set(o.technicianKey, (tsum.get(o.technicianKey) ?? 0) + ys[i] - post.get(o.opCode)!.mu);
    });
    // centred (observation-weighted) on the workshop: a common offset of all technicians is not
    // identifiable from the op codes' levels; the op codes keep it, so an unknown technician (or one
    // with too little history) gets the workshop-average technician
    const raw = new Map<string, number>();
    let centre = 0;
    for (const [key, sum] of tsum) {
      const n = techN.get(key)!;
      if (n < techMin) continue;
      const sh = sum / (n + techK);
      raw.set(key, sh);
      centre += (n * sh) / valid.length;
    }
    let moved = 0;
    for (const key of tsum.keys()) {
      const next = raw.has(key) ? raw.get(key)! - centre : 0;
      moved = Math.max(moved, Math.abs(next - (shifts.get(key) ?? 0)));
      shifts.set(key, next);
    }
    if (moved < 1e-7) break;
  }

  const opCodes: ReadonlyMap<string, OpCodeFit> = post;
  const techShift = new Map<string, { n: number; shift: number }>();
  for (const [key, shift] of shifts) if (techN.get(key)! >= techMin) techShift.set(key, { n: techN.get(key)!, shift });
  const workshop: WorkshopLevel = { level: L, levelSd: Math.sqrt(varL), dispersion: D, n: valid.length };

  /** posterior of an op code (the hierarchical prior when it has no observations) */
  const opPost = (code: string): OpCodeFit => {
    const p = post.get(code);
    if (p) return p;
    const p0 = priorParams(priors.get(code) ?? defaultCv);
    return { n: 0, mu: L + D * p0.mu, sigma: Math.sqrt(D) * p0.sigma, kappa: k, df: k };
  };
  const cache = new Map<string, DurationParams>();
  return {
    opCodes,
    techShift,
    workshop,
    params(opCode: string, techKey?: string | null): DurationParams {
      const ck = `${opCode}\u0000${techKey ?? ''}`;
      const hit = cache.get(ck);
      if (hit) return hit;
      const p = opPost(opCode);
      const t = techKey ? techShift.get(techKey) : undefined;
      const mu = p.mu + (t?.shift ?? 0);
      let r: DurationParams;
      if (!predictive) r = { mu, sigma: p.sigma };
      else {
        const s2 = p.sigma * p.sigma;
        const shrink = k / p.kappa;
        const scale2 = s2 * (1 + 1 / p.kappa) + shrink * shrink * varL + (t ? s2 / (t.n + techK) : 0);
        r = { mu, sigma: Math.sqrt(scale2), df: p.df };
      }
      cache.set(ck, r);
      return r;
    },
  };
}

/** The catalogue as a plain mean-preserving lognormal per op code (no history, no parameter uncertainty). */
export function priorDurationModel(priors: ReadonlyMap<string, number>, defaultCv = 0.35): DurationModel {
  return fitDurationModel(priors, [], { defaultCv, predictive: false });
}
