/**
 * Reports a person looks at: PNG plots drawn with Java2D ({@link org.distill4j.report.Plot}), a sweep's leaderboard,
 * Pareto front and HTML page ({@link org.distill4j.report.SweepReport}), a run's training curves
 * ({@link org.distill4j.report.RunReport}), and the tables notebooks load ({@link org.distill4j.report.Results}).
 */
package org.distill4j.report;
