/**
 * The runner: prepares a run (config, data, every model built or loaded, each stage checked) before its directory
 * exists, runs the stages in order, applies what each returns (models handed on and saved, reports recorded), writes
 * {@code summary.json} and {@code provenance.json}, and resumes an interrupted run from its checkpoints.
 */
package org.distill4j.pipeline;
