/**
 * The extension SPI that stages build on and the runner drives: {@link org.distill4j.spi.Stage} and
 * {@link org.distill4j.spi.StageType}, the model hand-off value {@link org.distill4j.spi.ModelState}, what a stage
 * returns ({@link org.distill4j.spi.StageResult}), what it works with ({@link org.distill4j.spi.StageContext}), the
 * shared training loop ({@link org.distill4j.spi.Trainer}, {@link org.distill4j.spi.StepHook}, checkpoints), the
 * loss a stage trains with ({@link org.distill4j.spi.Objective}) and the teacher as losses see it
 * ({@link org.distill4j.spi.Teacher}). It imports no stage, and neither the runner nor the registration list.
 */
package org.distill4j.spi;
