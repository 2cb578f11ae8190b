/**
 * Job weights: how much a minute of lateness costs, relative to a normal drop-off (1). A waiter
 * stands in the customer lounge (× waiterWeight); a high-priority repair order (× priorityWeight).
 */
export function jobWeight(job: { waiter: boolean; highPriority: boolean }, policy: { waiterWeight: number; priorityWeight: number }): number {
  return (job.waiter ? policy.waiterWeight : 1) * (job.highPriority ? policy.priorityWeight : 1);
}
