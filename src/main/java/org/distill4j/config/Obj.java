package org.distill4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A YAML mapping being bound to a record. Every getter records the key as allowed; {@link #done()} then
 * rejects keys nobody asked for. All errors carry the full YAML path.
 */
final class Obj {
    final String path;
    private final ObjectNode node;
    private final Set<String> asked = new LinkedHashSet<>();

    Obj(String path, JsonNode node) {
        this.path = path;
        if (node == null || node.isNull()) {
            this.node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        } else if (!node.isObject()) {
            throw new ConfigException(path, "must be a mapping, got " + describe(node));
        } else {
            this.node = (ObjectNode) node;
        }
    }

    JsonNode rawTree() {
        return node;
    }

    void markAllAsked() {
        node.fieldNames().forEachRemaining(asked::add);
    }

    String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        asked.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    JsonNode raw(String key) {
        asked.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    String str(String key, String def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw new ConfigException(at(key), "must be a string, got " + describe(v));
        }
        return v.asText();
    }

    Integer integer(String key, Integer def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) < Integer.MAX_VALUE) {
            return (int) v.doubleValue();
        }
        throw new ConfigException(at(key), "must be an integer, got " + describe(v));
    }

    Long lng(String key, Long def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        throw new ConfigException(at(key), "must be an integer, got " + describe(v));
    }

    Double dbl(String key, Double def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        throw new ConfigException(at(key), "must be a number, got " + describe(v));
    }

    Boolean bool(String key, Boolean def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        throw new ConfigException(at(key), "must be true or false, got " + describe(v));
    }

    List<Integer> intList(String key, List<Integer> def) {
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

    List<String> strList(String key, List<String> def) {
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
    Obj obj(String key) {
        return new Obj(at(key), raw(key));
    }

    /** A list of mappings; each element is bound by {@code fn}. */
    <T> List<T> objList(String key, Function<Obj, T> fn) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw new ConfigException(at(key), "must be a list, got " + describe(v));
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(fn.apply(new Obj(at(key) + "[" + i + "]", v.get(i))));
        }
        return out;
    }

    /** A required discriminator ({@code type:}, {@code arch:}) looked up in {@code known}. */
    <T> T pick(String key, Map<String, T> known, String what) {
        String name = str(key, null);
        if (name == null) {
            throw new ConfigException(at(key), "missing; known " + what + "s: " + String.join(", ", new java.util.TreeSet<>(known.keySet())));
        }
        T v = known.get(name);
        if (v == null) {
            throw new ConfigException(at(key), "unknown " + what + " '" + name + "'; known: " + String.join(", ", new java.util.TreeSet<>(known.keySet())));
        }
        return v;
    }

    /** Enum value by its lower-case YAML name. */
    <E extends Enum<E>> E enumValue(String key, Class<E> type, E def) {
        String s = str(key, null);
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

    static String yamlName(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Builds the record, re-throwing its constructor's field errors under this object's path; then checks for unknown keys. */
    <T> T build(Supplier<T> ctor) {
        T value;
        try {
            value = ctor.get();
        } catch (ConfigException e) {
            throw e.isRelative() ? e.under(path) : e;
        }
        done();
        return value;
    }

    void done() {
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
        return v.toString();
    }
}
