/**
 * Benchmarks and profiles behind {@code distill bench} and {@code distill profile}: steady-state samples/s of training,
 * inference and distillation steps ({@link org.distill4j.bench.ThroughputBench}), step-time statistics and a
 * layer-by-layer profile. Speed targets live here, never in timed unit tests.
 */
package org.distill4j.bench;
