/**
 * The {@code evaluate} stage: test-set reports and the numbers in {@code summary.json}.
 */
package org.distill4j.stage.evaluate;
