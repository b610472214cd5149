/**
 * The one registration list ({@link org.distill4j.plugins.Plugins}): every stage type, distillation loss,
 * architecture and dataset kind, one line each. Only the runner, the sweep and the command line import it.
 */
package org.distill4j.plugins;
