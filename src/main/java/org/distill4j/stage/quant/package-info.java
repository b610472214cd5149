/**
 * The {@code quantize} stage: quantization-aware fine-tuning with float shadow weights and fake-quantized activations.
 */
package org.distill4j.stage.quant;
