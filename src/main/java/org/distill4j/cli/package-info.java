/**
 * The {@code distill} command line (picocli): train, sweep, report, reproduce, eval, config, profile, bench and the
 * sweep's internal trial command. Each command gets the {@link org.distill4j.plugins.Plugins} it binds and runs with.
 * Maps errors to exit codes (user input 2, internal failure 1 with the stack trace in a named file); nothing imports
 * it.
 */
package org.distill4j.cli;
