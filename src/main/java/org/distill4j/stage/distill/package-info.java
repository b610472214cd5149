/**
 * The {@code distill} stage: distillation with a configured loss ({@code kd} by default), teacher
 * logits cached or per batch.
 */
package org.distill4j.stage.distill;
