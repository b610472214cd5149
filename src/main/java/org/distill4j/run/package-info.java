/**
 * Run directories and their artifacts: atomic writes, per-component seeds, the run's log file, progress reporting, and
 * the typed records every reader shares: {@link org.distill4j.run.RunProvenance} ({@code provenance.json}),
 * {@link org.distill4j.run.RunSummary} with {@link org.distill4j.run.ModelResult} and
 * {@link org.distill4j.run.StageReport} ({@code summary.json}), {@link org.distill4j.run.MetricsLine}
 * ({@code metrics.jsonl}).
 */
package org.distill4j.run;
