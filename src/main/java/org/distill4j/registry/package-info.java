/**
 * Name-to-factory registries for extension points; an unknown name is a config error listing the known names.
 */
package org.distill4j.registry;
