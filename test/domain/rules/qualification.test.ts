import { describe, expect, it } from 'vitest';
import { isQualified, plannedMinutes, standardMinutes } from '../../../src/domain/rules/qualification.js';

describe('qualification and planned minutes', () => {
  const brakesB = { skill: 'brakes', minLevel: 'B' as const, requiresEv: false };
  it('needs the skill at the minimum level or above', () => {
    expect(isQualified({ skills: { brakes: 'A' }, evCertified: false }, brakesB)).toBe(true);
    expect(isQualified({ skills: { brakes: 'B' }, evCertified: false }, brakesB)).toBe(true);
    expect(isQualified({ skills: { brakes: 'C' }, evCertified: false }, brakesB)).toBe(false);
    expect(isQualified({ skills: { tyres: 'A' }, evCertified: false }, brakesB)).toBe(false);
  });
  it('EV work needs the high-voltage certification, whatever the level', () => {
    const ev = { ...brakesB, requiresEv: true };
    expect(isQualified({ skills: { brakes: 'A' }, evCertified: false }, ev)).toBe(false);
    expect(isQualified({ skills: { brakes: 'A' }, evCertified: true }, ev)).toBe(true);
  });
  it('standard minutes are whole and at least one; planned minutes divide by efficiency, rounded up', () => {
    expect(standardMinutes(0.4)).toBe(24);
    expect(standardMinutes(0.001)).toBe(1);
    expect(plannedMinutes(60, 1.2)).toBe(50);
    expect(plannedMinutes(60, 1.1)).toBe(55);
    expect(plannedMinutes(60, 0.8)).toBe(75);
  });
});
