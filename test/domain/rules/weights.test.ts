import { describe, expect, it } from 'vitest';
import { POLICY_DEFAULTS } from '../../../src/domain/rules/policy.js';
import { jobWeight } from '../../../src/domain/rules/weights.js';

describe('job weights', () => {
  it('a drop-off weighs 1, a waiter the waiter weight, priority multiplies', () => {
    const p = { waiterWeight: 3, priorityWeight: 2 };
    expect(jobWeight({ waiter: false, highPriority: false }, p)).toBe(1);
    expect(jobWeight({ waiter: true, highPriority: false }, p)).toBe(3);
    expect(jobWeight({ waiter: false, highPriority: true }, p)).toBe(2);
    expect(jobWeight({ waiter: true, highPriority: true }, p)).toBe(6);
  });
  it('the defaults are the policy defaults', () => {
    expect(jobWeight({ waiter: true, highPriority: true }, POLICY_DEFAULTS)).toBe(POLICY_DEFAULTS.waiterWeight * POLICY_DEFAULTS.priorityWeight);
  });
});
