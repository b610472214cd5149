/**
 * The {@code distill} stage: Hinton distillation with cached or per-batch teacher logits.
 */
package org.distill4j.stage.distill;
