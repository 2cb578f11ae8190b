/**
 * Measured accuracy of each approximation against the simulator (bench/queueing.ts, full grid:
 * c ∈ {1,2,5,12,20} × ρ ∈ {0.5,0.7,0.85,0.95} × service cv ∈ {0,0.5,1,2}, lognormal service,
 * Poisson arrivals unless stated). Updated by hand from the bench output.
 */
export const ACCURACY = {
  cosmetatos: 'M/D/c: TBD',
  kimura: 'M/G/c: TBD',
  'allen-cunneen': 'G/G/c: TBD',
  whitt: 'G/G/c: TBD',
} as const;
