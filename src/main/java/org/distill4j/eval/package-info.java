/**
 * Evaluation: accuracy, top-5, per-class accuracy, confusion matrix; step timing and per-op profiles.
 */
package org.distill4j.eval;
