/**
 * Turns replications into KPIs with 95% confidence intervals, and compares a variant with the base
 * by paired differences (replication r of both used the same random streams: common random
 * numbers), with a paired Student-t interval on the differences. A difference is significant when
 * its interval excludes zero.
 */
import { tInterval, type ConfidenceInterval } from '../queueing/stats.js';
import type { ReplicationResult } from './types.js';

export interface KpiInfo { key: string; label: string; unit: string; better: 'higher' | 'lower' | 'none'; digits: number }

/** The KPIs, in report order (definitions in the API docs / design glossary). */
export const KPIS: KpiInfo[] = [
  { key: 'onTimeRate', label: 'On-time handover rate', unit: '%', better: 'higher', digits: 1 },
  { key: 'promisedLeadHoursMean', label: 'Promised lead time, mean', unit: 'h', better: 'lower', digits: 2 },
  { key: 'promisedLeadHoursP90', label: 'Promised lead time, P90', unit: 'h', better: 'lower', digits: 2 },
  { key: 'actualLeadHoursMean', label: 'Actual lead time, mean', unit: 'h', better: 'lower', digits: 2 },
  { key: 'actualLeadHoursP90', label: 'Actual lead time, P90', unit: 'h', better: 'lower', digits: 2 },
  { key: 'waiterWaitMinutes', label: 'Waiter wait (arrival → ready)', unit: 'min', better: 'lower', digits: 1 },
  { key: 'checkInWaitMinutes', label: 'Check-in wait', unit: 'min', better: 'lower', digits: 2 },
  { key: 'technicianUtilisation', label: 'Technician utilisation (busy ÷ attended)', unit: '%', better: 'none', digits: 1 },
  { key: 'productivity', label: 'Productivity (hours on ROs ÷ attended)', unit: '%', better: 'higher', digits: 1 },
  { key: 'efficiency', label: 'Efficiency (standard ÷ clocked hours)', unit: '%', better: 'higher', digits: 1 },
  { key: 'bayUtilisation', label: 'Bay utilisation', unit: '%', better: 'none', digits: 1 },
  { key: 'laneUtilisation', label: 'Express lane utilisation', unit: '%', better: 'none', digits: 1 },
  { key: 'laneWaitMinutes', label: 'Express lane wait', unit: 'min', better: 'lower', digits: 1 },
  { key: 'overtimeHoursPerDay', label: 'Overtime per day', unit: 'h', better: 'lower', digits: 2 },
  { key: 'carryOverROsPerDay', label: 'Carry-over ROs at close', unit: 'ROs', better: 'lower', digits: 2 },
  { key: 'turnedAwayPerDay', label: 'Turned-away demand per day', unit: 'req', better: 'lower', digits: 2 },
  { key: 'turnedAwayShare', label: 'Turned-away share', unit: '%', better: 'lower', digits: 1 },
  { key: 'deliveredPerDay', label: 'Delivered ROs per day', unit: 'ROs', better: 'higher', digits: 1 },
];

export interface KpiSummary extends ConfidenceInterval { key: string }

export interface ScenarioSummary {
  name: string;
  replications: number;
  kpis: Record<string, KpiSummary>;
  byHour: { hour: number; arrivals: number; checkInWaitMinutes: number; technicianUtilisation: number }[];
  totals: Record<string, number>;
}

const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));

export function summarise(name: string, reps: ReplicationResult[]): ScenarioSummary {
  const kpis: Record<string, KpiSummary> = {};
  for (const k of KPIS) {
    const ci = tInterval(finite(reps.map((r) => r.kpis[k.key])));
    // every KPI is non-negative and shares cannot exceed 1: a t-interval from few replications may say otherwise
    if (ci.lower !== null && ci.lower < 0) ci.lower = 0;
    if (k.unit === '%' && k.key !== 'efficiency' && ci.upper !== null && ci.upper > 1) ci.upper = 1;
    kpis[k.key] = { key: k.key, ...ci };
  }
  const n = Math.max(1, reps.length);
  const byHour = Array.from({ length: 24 }, (_, h) => ({
    hour: h,
    arrivals: reps.reduce((a, r) => a + r.byHour.arrivals[h], 0) / n,
    checkInWaitMinutes: reps.reduce((a, r) => a + r.byHour.checkInWaitMinutes[h], 0) / n,
    technicianUtilisation: reps.reduce((a, r) => a + r.byHour.technicianUtilisation[h], 0) / n,
  })).filter((h) => h.arrivals > 0 || h.technicianUtilisation > 0);
  const totals: Record<string, number> = {};
  for (const r of reps) for (const [k, v] of Object.entries(r.counts)) totals[k] = (totals[k] ?? 0) + v;
  return { name, replications: reps.length, kpis, byHour, totals };
}

export interface KpiDifference {
  key: string;
  base: number;
  variant: number;
  /** variant − base, paired t-interval over replications */
  difference: ConfidenceInterval;
  significant: boolean;
}

export interface VariantComparison { name: string; summary: ScenarioSummary; differences: Record<string, KpiDifference> }

export function comparePaired(base: ReplicationResult[], variant: ReplicationResult[]): Record<string, KpiDifference> {
  const byRep = new Map(base.map((r) => [r.replication, r]));
  const out: Record<string, KpiDifference> = {};
  for (const k of KPIS) {
    const d: number[] = [], b: number[] = [], v: number[] = [];
    for (const r of variant) {
      const x = byRep.get(r.replication);
      if (!x) continue;
      const bv = x.kpis[k.key], vv = r.kpis[k.key];
      if (!Number.isFinite(bv) || !Number.isFinite(vv)) continue;
      d.push(vv - bv); b.push(bv); v.push(vv);
    }
    const ci = tInterval(d);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, c) => a + c, 0) / xs.length : NaN);
    // identical draws give sd 0: the interval is [0, 0] and nothing is significant
    const significant = ci.lower !== null && ci.upper !== null && (ci.lower > 0 || ci.upper < 0);
    out[k.key] = { key: k.key, base: mean(b), variant: mean(v), difference: ci, significant };
  }
  return out;
}

// ------------------------------------------------------------------------------- text table

const scale = (k: KpiInfo, x: number) => (k.unit === '%' ? x * 100 : x);
const fmt = (k: KpiInfo, x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : scale(k, x).toFixed(k.digits));
const fmtCi = (k: KpiInfo, c: ConfidenceInterval) => (c.n === 0 ? '–' : c.halfWidth === null ? fmt(k, c.mean) : `${fmt(k, c.mean)} ± ${fmt(k, c.halfWidth)}`);

function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
}

export function formatSummary(s: ScenarioSummary): string {
  const rows = [['KPI (95% CI over ' + s.replications + ' replications)', 'unit', 'value']];
  for (const k of KPIS) if (s.kpis[k.key].n > 0) rows.push([k.label, k.unit, fmtCi(k, s.kpis[k.key])]);
  const hours = [['hour', 'arrivals/day', 'check-in wait min', 'tech utilisation %']];
  for (const h of s.byHour) hours.push([String(h.hour).padStart(2, '0'), h.arrivals.toFixed(2), h.checkInWaitMinutes.toFixed(1), (h.technicianUtilisation * 100).toFixed(1)]);
  return `${s.name}\n${table(rows)}\n\nBy hour of day\n${table(hours)}`;
}

export function formatComparison(base: ScenarioSummary, variants: VariantComparison[]): string {
  const parts: string[] = [];
  for (const v of variants) {
    const rows = [['KPI', 'unit', 'base', 'variant', 'difference (paired 95% CI)', 'sig.']];
    for (const k of KPIS) {
      const d = v.differences[k.key];
      if (!d || d.difference.n === 0) continue;
      rows.push([k.label, k.unit, fmtCi(k, base.kpis[k.key]), fmtCi(k, v.summary.kpis[k.key]), fmtCi(k, d.difference), d.significant ? '*' : '']);
    }
    parts.push(`${base.name}  vs  ${v.name}\n${table(rows)}`);
  }
  return parts.join('\n\n');
}
