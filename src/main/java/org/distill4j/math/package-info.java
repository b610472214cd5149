/**
 * Pure functions on ND4J arrays: tempered softmax, KL divergence, the distillation loss and its
 * gradient, learning-rate schedules.
 */
package org.distill4j.math;
