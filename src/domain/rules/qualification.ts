/**
 * Who may do an operation, and how long it takes them.
 *  - Qualified: the technician has the operation's skill at its minimum level or above
 *    (A > B > C), and the high-voltage certification when the operation is EV work (a hard
 *    qualification, never traded for time).
 *  - Standard minutes: the catalogue's flat-rate hours in whole minutes (at least one).
 *  - Planned minutes: standard minutes ÷ the technician's efficiency (flagged ÷ clocked hours),
 *    rounded up: what the plan reserves and what job clocks are compared with.
 */
export type SkillLevel = 'A' | 'B' | 'C';
export const LEVEL_RANK: Record<SkillLevel, number> = { A: 3, B: 2, C: 1 };

export interface TechnicianFacts {
  skills: Partial<Record<string, SkillLevel>>;
  evCertified: boolean;
}
export interface OperationNeeds {
  skill: string;
  minLevel: SkillLevel;
  requiresEv: boolean;
}

export function isQualified(tech: TechnicianFacts, need: OperationNeeds): boolean {
  const level = tech.skills[need.skill];
  if (!level || LEVEL_RANK[level] < LEVEL_RANK[need.minLevel]) return false;
  return !need.requiresEv || tech.evCertified;
}

export function standardMinutes(hours: number): number {
  return Math.max(1, Math.round(hours * 60));
}

export function plannedMinutes(standard: number, efficiency: number): number {
  return Math.ceil(standard / efficiency);
}
