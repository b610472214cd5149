package org.distill4j.config;

/**
 * A configuration error. Its message always starts with the YAML path of the offending value
 * ({@code stages[1].temperature: must be > 0, got -2}) so a user can find it in the file.
 */
public class ConfigException extends InputException {
    private final String path;
    private final String problem;
    private final boolean relative;

    /** An error at an absolute YAML path. */
    public ConfigException(String path, String problem) {
        this(path, problem, false);
    }

    private ConfigException(String path, String problem, boolean relative) {
        super(Kind.CONFIG, path == null || path.isEmpty() ? problem : path + ": " + problem);
        this.path = path == null ? "" : path;
        this.problem = problem;
        this.relative = relative;
    }

    /** An error about a field of a record being constructed; the binder puts the record's path in front. */
    public static ConfigException field(String field, String problem) {
        return new ConfigException(field, problem, true);
    }

    /** True for {@link #field} errors that do not yet carry their full path. */
    public boolean isRelative() {
        return relative;
    }

    /** The YAML path, e.g. {@code stages[1].temperature}; empty for whole-file problems. */
    public String path() {
        return path;
    }

    /** The problem without the path. */
    public String problem() {
        return problem;
    }

    /** The same problem, with {@code prefix} put in front of the path (used when a record is bound below a path). */
    public ConfigException under(String prefix) {
        String p;
        if (prefix == null || prefix.isEmpty()) {
            p = path;
        } else {
            p = path.isEmpty() ? prefix : (path.startsWith("[") ? prefix + path : prefix + "." + path);
        }
        ConfigException e = new ConfigException(p, problem, false);
        e.setStackTrace(getStackTrace());
        return e;
    }
}
