package org.distill4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A YAML mapping being bound to a record. Every getter records the key as allowed; {@link #done()} then
 * rejects keys nobody asked for. All errors carry the full YAML path. Stage, architecture and loss binders (one per
 * type, in the type's own package) read their section through it.
 */
public final class Obj {
    final String path;
    private final ObjectNode node;
    private final Schema schema;
    private final Set<String> asked = new LinkedHashSet<>();
    private boolean lenient;

    Obj(String path, JsonNode node, Schema schema) {
        this.path = path;
        this.schema = schema;
        if (node == null || node.isNull()) {
            this.node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        } else if (!node.isObject()) {
            throw new ConfigException(path, "must be a mapping, got " + describe(node));
        } else {
            this.node = (ObjectNode) node;
        }
    }

    /** The plug-in tables this config is bound with. */
    public Schema schema() {
        return schema;
    }

    /** The YAML path of this mapping ({@code stages[2]}); empty at the root. */
    public String path() {
        return path;
    }

    /** This mapping without {@code keys}, which count as read here: for a binder chosen by a discriminator key. */
    public Obj without(String... keys) {
        ObjectNode copy = node.deepCopy();
        for (String k : keys) {
            copy.remove(k);
        }
        markAllAsked();
        return new Obj(path, copy, schema);
    }

    /**
     * The keys of this mapping that {@code binder} reads, bound as if they were a mapping of their own (same path), for
     * a record whose keys may sit inline in its parent (a loss's {@code temperature} written at stage level); keys
     * it does not read are left to this mapping.
     */
    public <T> T inline(java.util.function.Function<Obj, T> binder) {
        Obj view = new Obj(path, node.deepCopy(), schema);
        view.lenient = true;
        T value = binder.apply(view);
        asked.addAll(view.asked);
        return value;
    }

    public void markAllAsked() {
        node.fieldNames().forEachRemaining(asked::add);
    }

    public String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        asked.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    public JsonNode raw(String key) {
        asked.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    public String string(String key, String def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw new ConfigException(at(key), "must be a string, got " + describe(v));
        }
        return v.asText();
    }

    public Integer integer(String key, Integer def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue())
                && Math.abs(v.doubleValue()) < Integer.MAX_VALUE) {
            return (int) v.doubleValue();
        }
        if (v.isIntegralNumber()) {
            throw new ConfigException(at(key), "must be an integer from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE + ", got " + describe(v));
        }
        throw new ConfigException(at(key), "must be an integer, got " + describe(v));
    }

    public Long longInteger(String key, Long def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isIntegralNumber()) {
            throw new ConfigException(at(key), "must be an integer from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE + ", got " + describe(v));
        }
        throw new ConfigException(at(key), "must be an integer, got " + describe(v));
    }

    public Double number(String key, Double def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d) && v.isDouble()) {
                throw new ConfigException(at(key), "must be a finite number, got " + describe(v));
            }
            if (Double.isInfinite(d)) {
                throw new ConfigException(at(key), "must be a finite number, got " + v.asText()
                        + " (beyond the range of a double)");
            }
            return v.doubleValue();
        }
        throw new ConfigException(at(key), "must be a number, got " + describe(v));
    }

    public Boolean bool(String key, Boolean def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        throw new ConfigException(at(key), "must be true or false, got " + describe(v));
    }

    public List<Integer> intList(String key, List<Integer> def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isArray()) {
            throw new ConfigException(at(key), "must be a list of integers, got " + describe(v));
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw new ConfigException(at(key) + "[" + i + "]", "must be an integer, got " + describe(e));
            }
            out.add(e.intValue());
        }
        return out;
    }

    public List<Double> numList(String key, List<Double> def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isNumber()) {
            return List.of(number(key, null));
        }
        if (!v.isArray()) {
            throw new ConfigException(at(key), "must be a list of numbers, got " + describe(v));
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isNumber() || !Double.isFinite(e.doubleValue())) {
                throw new ConfigException(at(key) + "[" + i + "]", "must be a finite number, got " + describe(e));
            }
            out.add(e.doubleValue());
        }
        return out;
    }

    public List<String> strList(String key, List<String> def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new ConfigException(at(key), "must be a list of strings, got " + describe(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isValueNode()) {
                throw new ConfigException(at(key) + "[" + i + "]", "must be a string, got " + describe(e));
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A nested mapping (an empty one when absent). */
    public Obj obj(String key) {
        return new Obj(at(key), raw(key), schema);
    }

    /** A list of mappings; each element is bound by {@code fn}. */
    public <T> List<T> objList(String key, Function<Obj, T> fn) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw new ConfigException(at(key), "must be a list, got " + describe(v));
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(fn.apply(new Obj(at(key) + "[" + i + "]", v.get(i), schema)));
        }
        return out;
    }

    /** A required discriminator ({@code type:}, {@code arch:}) looked up in {@code known}. */
    public <T> T pick(String key, Map<String, T> known, String what) {
        String name = string(key, null);
        if (name == null) {
            throw new ConfigException(at(key), "missing; known " + what + "s: "
                    + String.join(", ", new TreeSet<>(known.keySet())));
        }
        T v = known.get(name);
        if (v == null) {
            throw new ConfigException(at(key), "unknown " + what + " '" + name + "'; known: "
                    + String.join(", ", new TreeSet<>(known.keySet())));
        }
        return v;
    }

    /** Enum value by its lower-case YAML name. */
    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E def) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        for (E e : type.getEnumConstants()) {
            if (yamlName(e).equals(s)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(yamlName(e));
        }
        throw new ConfigException(at(key), "unknown value '" + s + "'; allowed: " + String.join(", ", names));
    }

    public static String yamlName(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * Builds the record, re-throwing its constructor's field errors under this object's path; then
     * checks for unknown keys.
     */
    public <T> T build(Supplier<T> ctor) {
        T value;
        try {
            value = ctor.get();
        } catch (ConfigException e) {
            throw e.isRelative() ? e.under(path) : e;
        }
        done();
        return value;
    }

    public void done() {
        if (lenient) {
            return;
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!asked.contains(k) && !node.get(k).isNull()) {
                throw new ConfigException(at(k), "unknown key; allowed here: " + String.join(", ", asked));
            }
        }
    }

    static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isDouble() && !Double.isFinite(v.doubleValue())) {
            double d = v.doubleValue();
            return Double.isNaN(d) ? ".nan" : d > 0 ? ".inf" : "-.inf";
        }
        return v.toString();
    }
}
