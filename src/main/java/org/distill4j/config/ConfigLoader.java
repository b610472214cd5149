package org.distill4j.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a run config: parses YAML into a plain tree (no tags, no classes: YAML is data here), merges the
 * files named by {@code base:} (maps merge key by key, lists and scalars replace; relative paths are
 * relative to the including file), applies {@code --set a.b=c} overrides, and binds the result.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private ConfigLoader() {
    }

    /** Loads, merges, overrides and binds; every problem is a {@link ConfigException}. */
    public static RunConfig load(Path file, List<String> overrides, Schema schema) {
        ObjectNode tree = resolveTree(file, overrides);
        boolean derived = !tree.hasNonNull("name");
        try {
            return ConfigBinder.bind(tree, defaultName(file), schema);
        } catch (ConfigException e) {
            throw derived && e.path().equals("name") ? derivedName(e, file) : e;
        }
    }

    /**
     * {@code e}, an error about a name that {@link #defaultName} derived from {@code file} because the file sets none,
     * told as such: the user never wrote that name.
     */
    static ConfigException derivedName(ConfigException e, Path file) {
        String from = defaultName(file).equals(baseName(file)) ? "the file name '" + file.getFileName() + "'"
                : "the run directory of " + file;
        return new ConfigException("name", "derived from " + from + ": " + e.problem() + "; set name: in the config");
    }

    /** The merged and overridden tree, before binding. */
    public static ObjectNode resolveTree(Path file, List<String> overrides) {
        ObjectNode tree = readWithBases(file, new LinkedHashSet<>());
        for (String o : overrides) {
            applyOverride(tree, o);
        }
        return tree;
    }

    /** Binds a tree that is already complete, e.g. a run directory's {@code config.resolved.yaml}. */
    public static RunConfig parse(String yaml, String defaultName, Schema schema) {
        return ConfigBinder.bind(readTree(yaml, "<text>"), defaultName, schema);
    }

    /** Binds a run directory's {@code config.resolved.yaml}, which names its run itself. */
    public static RunConfig parseResolved(String yaml, Schema schema) {
        return ConfigBinder.bind(readTree(yaml, "<resolved config>"), null, schema);
    }

    private static String baseName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    static String defaultName(Path file) {
        String base = baseName(file);
        if (base.equals("config.resolved")) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && parent.getParent() != null) {
                return parent.getParent().getFileName().toString();
            }
        }
        return base;
    }

    private static ObjectNode readWithBases(Path file, Set<Path> stack) {
        Path abs = file.toAbsolutePath().normalize();
        if (!stack.add(abs)) {
            throw new ConfigException("base", "cycle: " + abs + " includes itself (via " + stack + ")");
        }
        ObjectNode tree = readTree(readFile(file, "config file"), file.toString());
        JsonNode base = tree.remove("base");
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        if (base != null && !base.isNull()) {
            List<String> bases = new ArrayList<>();
            if (base.isTextual()) {
                bases.add(base.asText());
            } else if (base.isArray()) {
                for (JsonNode b : base) {
                    if (!b.isTextual()) {
                        throw new ConfigException("base", "must be a file path or a list of paths (in " + file + ")");
                    }
                    bases.add(b.asText());
                }
            } else {
                throw new ConfigException("base", "must be a file path or a list of paths (in " + file + ")");
            }
            for (String b : bases) {
                Path bp = abs.getParent().resolve(b);
                if (!Files.exists(bp)) {
                    throw new ConfigException("base", "file not found: " + b + " (relative to "
                            + abs.getParent() + ")");
                }
                merge(result, readWithBases(bp, stack));
            }
        }
        merge(result, tree);
        stack.remove(abs);
        return result;
    }

    /** The text of {@code file}; a missing or unreadable file is a one-line error naming it as {@code what}. */
    /** The largest config or sweep file read (a config is a few kilobytes). */
    static final int MAX_BYTES = 1 << 20;
    /** The deepest nesting of mappings and lists a config may have (real ones stay below 10). */
    static final int MAX_DEPTH = 64;

    /**
     * A config or sweep file's text: at most {@link #MAX_BYTES} bytes (read no further, so {@code /dev/zero} is an
     * error too), UTF-8.
     */
    static String readFile(Path file, String what) {
        byte[] bytes;
        try (var in = Files.newInputStream(file.toAbsolutePath().normalize())) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", what + " not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + what + " " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException("", what + " " + file + " is larger than " + (MAX_BYTES >> 20)
                    + " MiB; a config is a few kilobytes of YAML");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("", what + " " + file + " is not UTF-8 text");
        }
    }

    /** Fails when {@code root} nests mappings and lists deeper than {@link #MAX_DEPTH} (iterative: cannot overflow). */
    static void checkDepth(JsonNode root, String where) {
        java.util.ArrayDeque<java.util.Map.Entry<JsonNode, Integer>> todo = new java.util.ArrayDeque<>();
        todo.push(java.util.Map.entry(root, 1));
        while (!todo.isEmpty()) {
            var e = todo.pop();
            if (e.getValue() > MAX_DEPTH) {
                throw new ConfigException("", where + ": mappings and lists nested more than " + MAX_DEPTH
                        + " levels deep");
            }
            for (JsonNode child : e.getKey()) {
                if (child.isContainerNode()) {
                    todo.push(java.util.Map.entry(child, e.getValue() + 1));
                }
            }
        }
    }

    static ObjectNode readTree(String text, String where) {
        JsonNode n;
        try {
            rejectUnsupported(text, where);
            n = parseYaml(text);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage().split("\n")[0];
            var loc = e.getLocation();
            throw new ConfigException("", "invalid YAML in " + where
                    + (loc != null ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : "")
                    + ": " + msg);
        } catch (java.io.IOException e) {
            throw new ConfigException("", "cannot read YAML in " + where + ": " + e.getMessage());
        }
        if (n == null || n.isMissingNode() || n.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        checkDepth(n, where);
        if (!n.isObject()) {
            throw new ConfigException("", where + ": the top level must be a mapping");
        }
        return (ObjectNode) n;
    }

    /** YAML text as a tree, its float specials ({@code .nan}, {@code -.inf}) read as numbers ({@link YamlFloats}). */
    private static JsonNode parseYaml(String text) throws java.io.IOException {
        try (JsonParser p = new YamlFloats(YAML.getFactory().createParser(text))) {
            return YAML.readTree(p);
        }
    }

    /** Rejects what a config must not hold: aliases, tags ({@code !custom 5}), a second document. */
    private static void rejectUnsupported(String text, String where) throws java.io.IOException {
        try (YAMLParser p = ((YAMLFactory) YAML.getFactory()).createParser(text)) {
            int depth = 0;
            boolean ended = false;
            for (var t = p.nextToken(); t != null; t = p.nextToken()) {
                int line = p.currentLocation().getLineNr();
                if (ended) {
                    throw new ConfigException("", "more than one YAML document in " + where + " (line " + line
                            + "); a config is one mapping");
                }
                if (p.isCurrentAlias()) {
                    throw new ConfigException("", "YAML aliases (*name) are not supported, in " + where + " at line "
                            + line + "; use base: files to share settings");
                }
                if (p.getTypeId() != null) {
                    throw new ConfigException("", "YAML tags (!" + p.getTypeId() + ") are not supported, in " + where
                            + " at line " + line + "; a config is plain data");
                }
                depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                ended = depth == 0;
            }
        }
    }

    /**
     * Deep merge: maps merge key by key, everything else in {@code over} replaces. A model or stage mapping
     * whose {@code arch}/{@code type} changes, or that switches between {@code arch} and {@code load}, replaces
     * the old mapping instead of merging into it (the old architecture's keys would not fit the new one).
     */
    static void merge(ObjectNode into, ObjectNode over) {
        for (Map.Entry<String, JsonNode> e : over.properties()) {
            JsonNode old = into.get(e.getKey());
            if (old instanceof ObjectNode oo && e.getValue() instanceof ObjectNode no && !switchesKind(oo, no)) {
                merge(oo, no);
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private static boolean switchesKind(ObjectNode old, ObjectNode over) {
        for (String k : new String[]{"arch", "type"}) {
            if (over.hasNonNull(k) && old.hasNonNull(k) && !over.get(k).equals(old.get(k))) {
                return true;
            }
        }
        return over.hasNonNull("load") && old.hasNonNull("arch") || over.hasNonNull("arch") && old.hasNonNull("load");
    }

    /**
     * Applies {@code a.b.c=value}. A segment addressing a list is an index ({@code stages.2} or
     * {@code stages[2]}), or the {@code name}/{@code type} of exactly one element ({@code stages.distill}).
     * The value is read as YAML ({@code 8}, {@code true}, {@code [128, 64]}). Like a {@code base:} merge, setting
     * {@code load} of a model that has an {@code arch}, or another {@code arch} or stage {@code type}, replaces the
     * mapping ({@code --set teacher.load=t.zip}).
     */
    public static void applyOverride(ObjectNode root, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set " + override, "expected key=value, e.g. stages.distill.temperature=8");
        }
        String key = override.substring(0, eq).trim();
        String valueText = override.substring(eq + 1);
        JsonNode value;
        try {
            JsonNode v = parseYaml(valueText.isEmpty() ? "''" : valueText);
            value = v == null || v.isMissingNode() ? JsonNodeFactory.instance.nullNode() : v;
        } catch (IOException e) {
            throw new ConfigException("--set " + key, "value is not valid YAML: " + valueText);
        }
        List<String> segs = new ArrayList<>();
        for (String s : key.replace("[", ".").replace("]", "").split("\\.", -1)) {
            if (s.isEmpty()) {
                throw new ConfigException("--set " + key, "empty path segment");
            }
            segs.add(s);
        }
        if (!key.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+|\\[[A-Za-z0-9_-]+\\])*")) {
            throw new ConfigException("--set " + key, "malformed key; name nested keys with '.' and list elements "
                    + "with [i], a name or a type, e.g. stages[2].epochs or stages.distill.temperature");
        }
        JsonNode cur = root;
        StringBuilder at = new StringBuilder();
        for (int i = 0; i < segs.size(); i++) {
            String seg = segs.get(i);
            boolean last = i == segs.size() - 1;
            if (cur instanceof ObjectNode obj) {
                if (last) {
                    ObjectNode over = JsonNodeFactory.instance.objectNode().set(seg, value);
                    if (switchesKind(obj, over)) {
                        obj.removeAll(); // as in merge: the old architecture's (or stage type's) keys do not fit
                    }
                    obj.set(seg, value);
                    return;
                }
                JsonNode next = obj.get(seg);
                if (next == null || next.isNull()) {
                    next = obj.putObject(seg);
                }
                cur = next;
                at.append(at.length() == 0 ? "" : ".").append(seg);
            } else if (cur instanceof ArrayNode arr) {
                int idx = listIndex(arr, seg, key, at.toString());
                if (last) {
                    arr.set(idx, value);
                    return;
                }
                cur = arr.get(idx);
                at.append('[').append(idx).append(']');
            } else {
                throw new ConfigException("--set " + key, "'" + at + "' is a value, not a mapping or list");
            }
        }
    }

    private static int listIndex(ArrayNode arr, String seg, String key, String at) {
        if (seg.matches("\\d+")) {
            int idx = seg.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(seg);
            if (idx >= arr.size()) {
                throw new ConfigException("--set " + key, at + " has " + arr.size() + " elements, no index " + idx);
            }
            return idx;
        }
        List<Integer> byName = new ArrayList<>();
        List<Integer> byType = new ArrayList<>();
        List<String> known = new ArrayList<>();
        for (int j = 0; j < arr.size(); j++) {
            JsonNode e = arr.get(j);
            String name = e.path("name").asText(null);
            String type = e.path("type").asText(null);
            String model = e.path("model").asText(null);
            String derived = name != null ? name : (type != null && model != null ? type + "-" + model : type);
            known.add(derived);
            if (seg.equals(derived)) {
                byName.add(j);
            } else if (seg.equals(type)) {
                byType.add(j);
            }
        }
        List<Integer> hits = byName.isEmpty() ? byType : byName;
        if (hits.size() == 1) {
            return hits.get(0);
        }
        if (hits.isEmpty()) {
            throw new ConfigException("--set " + key, "no element of " + at + " is named or typed '" + seg
                    + "'; elements: " + String.join(", ", known) + " (or use an index)");
        }
        throw new ConfigException("--set " + key, "'" + seg + "' matches " + hits.size() + " elements of " + at + " ("
                + String.join(", ", known) + "); use the stage name or an index");
    }
}
