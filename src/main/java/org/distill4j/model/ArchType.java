package org.distill4j.model;

import java.util.function.Function;
import org.distill4j.config.ArchSpec;
import org.distill4j.config.Obj;

/** An architecture type: its {@code arch:} name and the binder that reads its section into its {@link Architecture}. */
public record ArchType(String name, Function<Obj, ? extends ArchSpec> binder) {
}
