/**
 * The {@code distill} command line (picocli): train, eval, config, profile. Maps errors to exit codes; nothing imports it.
 */
package org.distill4j.cli;
