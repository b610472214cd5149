/**
 * The pipeline: the {@code Stage} interface, the stage registry, the shared training loop, and the runner that hands models from stage to stage.
 */
package org.distill4j.pipeline;
