/**
 * Run directories and their artifacts: atomic writes, per-component seeds, provenance, the run's log file, progress reporting.
 */
package org.distill4j.run;
