package org.distill4j.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.distill4j.config.ConfigException;

/**
 * A name → value map for one extension point (stage types, architectures, datasets, ...). Looking up an
 * unknown name fails with a {@link ConfigException} that names the YAML path and lists the known names.
 * Entries are added explicitly by the owning class, never by static-initializer side effects elsewhere.
 *
 * @param <T> what is registered (a factory, a record class, ...)
 */
public final class Registry<T> {
    private final String what;
    private final Map<String, T> entries = new LinkedHashMap<>();

    /** @param what the noun used in error messages, e.g. "stage type" */
    public Registry(String what) {
        this.what = what;
    }

    public Registry<T> register(String name, T value) {
        if (entries.putIfAbsent(name, value) != null) {
            throw new IllegalStateException(what + " '" + name + "' registered twice");
        }
        return this;
    }

    /** The entry for {@code name}, or a ConfigException at {@code path} listing the known names. */
    public T get(String name, String path) {
        T v = entries.get(name);
        if (v == null) {
            throw new ConfigException(path, "unknown " + what + " '" + name + "'; known: "
                    + String.join(", ", names()));
        }
        return v;
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** Known names, sorted. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(entries.keySet()));
    }
}
