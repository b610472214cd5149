/**
 * Sweeps: a search space over config keys ({@link org.distill4j.config.SweepConfig}), search strategies (Arbiter's
 * grid, random and genetic candidate generators behind {@link org.distill4j.sweep.SearchStrategy}), executors that run
 * each trial as its own JVM on this machine ({@link org.distill4j.sweep.LocalExecutor}) or as a Slurm job-array task
 * ({@link org.distill4j.sweep.SlurmExecutor}), the sweep state file, and the sweep report. Every trial is an ordinary
 * run directory.
 */
package org.distill4j.sweep;
