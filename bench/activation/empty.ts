/**
 * An empty module: the baseline of `bench/startup_costs_bench.ts`.
 *
 * @module
 */

export {};
