/**
 * The {@code train} stage: cross-entropy training of the teacher, the baseline or the student.
 */
package org.distill4j.stage.train;
