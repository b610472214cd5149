package org.distill4j.config;

import java.util.Collection;
import java.util.List;

/** Validation helpers for record constructors; each failure names the field and the allowed values. */
public final class Check {
    private Check() {
    }

    public static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw ConfigException.field(field, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    public static int between(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw ConfigException.field(field, "must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    public static double positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw ConfigException.field(field, "must be > 0, got " + fmt(value));
        }
        return value;
    }

    public static double nonNegative(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw ConfigException.field(field, "must be >= 0, got " + fmt(value));
        }
        return value;
    }

    /** Closed interval [lo, hi]. */
    public static double inRange(String field, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw ConfigException.field(field, "must be in [" + fmt(lo) + ", " + fmt(hi) + "], got " + fmt(value));
        }
        return value;
    }

    /** Half-open interval [lo, hi). */
    public static double inRangeExclusive(String field, double value, double lo, double hi) {
        if (!(value >= lo && value < hi)) {
            throw ConfigException.field(field, "must be in [" + fmt(lo) + ", " + fmt(hi) + "), got " + fmt(value));
        }
        return value;
    }

    public static String oneOf(String field, String value, Collection<String> allowed) {
        if (!allowed.contains(value)) {
            throw ConfigException.field(field, "unknown value '" + value + "'; allowed: " + String.join(", ", allowed));
        }
        return value;
    }

    public static <T> List<T> nonEmpty(String field, List<T> list) {
        if (list == null || list.isEmpty()) {
            throw ConfigException.field(field, "must not be empty");
        }
        return List.copyOf(list);
    }

    /** An enum constant's YAML name ({@code GRID} → {@code grid}). */
    public static String yaml(Enum<?> e) {
        return Obj.yamlName(e);
    }

    public static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
