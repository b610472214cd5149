/**
 * Training listeners: hooks DL4J calls around each optimizer step (pruning masks, and later quantizer state and
 * checkpoints).
 */
package org.distill4j.listen;
