/**
 * The {@code lowrank} stage: truncated-SVD factorization of dense layers, then fine-tuning.
 */
package org.distill4j.stage.lowrank;
