/** The {@code ptq} stage: post-training quantization, weights per channel and activation ranges from calibration. */
package org.distill4j.stage.ptq;
