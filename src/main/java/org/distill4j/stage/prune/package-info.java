/**
 * The {@code prune} stage: gradual (Zhu &amp; Gupta) magnitude pruning with masks held after every optimizer step.
 */
package org.distill4j.stage.prune;
