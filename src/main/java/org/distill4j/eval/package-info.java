/**
 * Evaluation: accuracy, top-5, per-class accuracy, confusion matrix, inference throughput of a model on a split.
 */
package org.distill4j.eval;
