package org.distill4j.model;

import org.distill4j.config.ArchSpec;

/**
 * An architecture as configured ({@code arch: mlp, hidden: [...]}) that builds its network. Each is one record with
 * its keys, its binder ({@code bind(Obj)}), its {@link ArchType} and its {@link #build}; {@code Plugins} registers it
 * with one line.
 */
public interface Architecture extends ArchSpec {
    /**
     * An initialized network for {@code input} images and {@code numClasses} outputs, its weights drawn from
     * {@code seed}.
     */
    Net build(Architectures.InputShape input, int numClasses, long seed);
}
