/**
 * Reports a person looks at: PNG plots drawn with JFreeChart ({@link org.distill4j.report.Plot}), a sweep's
 * leaderboard, Pareto front and HTML page ({@link org.distill4j.report.SweepReport}), and a run's training curves and
 * epoch table ({@link org.distill4j.report.RunReport}), which the notebooks load.
 */
package org.distill4j.report;
