/**
 * The YAML schema (version 1) as immutable records that validate in their constructors, and the loader: {@code base:}
 * merging, {@code --set} overrides, binding with path-named errors. Depends on Jackson only.
 */
package org.distill4j.config;
