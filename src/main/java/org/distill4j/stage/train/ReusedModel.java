package org.distill4j.stage.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigWriter;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;

/**
 * {@code reuse: <folder>} on a {@code train} stage: the model that a run under the folder (a run directory, or a folder
 * of runs such as a repeat, or a sweep's folder) trained in the same stage, under the same seed, dataset and model
 * section, is loaded from its {@code <stage>.zip} instead of being trained again. Stages draw their randomness from
 * seeds derived per stage, so the stages after it run as they would have. What makes a run "the same" is read from the
 * resolved configs: {@code seed}, {@code dataset}, the model's section ({@code teacher} for the teacher, else {@code
 * student}) and the stages with {@code model: <this slot>} up to and including this one (without their {@code reuse}).
 */
final class ReusedModel {
    static final String RESOLVED = "config.resolved.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ReusedModel() {
    }

    /** A run whose resolved config matches, and the model file it saved (which may not exist yet). */
    record Match(Path runDir, Path model) {
    }

    /**
     * The saved model to load for stage {@code stage} of {@code config}, searched under {@code folder} (excluding
     * {@code self}, this run's own directory, or null); a one-line {@link ConfigException} at {@code path} when none
     * matches or the one that matches has not saved its model.
     */
    static Path find(RunConfig config, String stage, ModelSlot slot, Path folder, Path self, String path) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigException(path, "not a directory: " + folder);
        }
        JsonNode ours = tree(ConfigWriter.toYaml(config));
        List<Path> runs = runsUnder(folder, self, path);
        List<Match> matches = new ArrayList<>();
        List<String> seeds = new ArrayList<>();
        for (Path run : runs) {
            JsonNode theirs;
            try {
                theirs = tree(Files.readString(run.resolve(RESOLVED)));
            } catch (IOException | IllegalArgumentException e) {
                continue;
            }
            seeds.add(theirs.path("seed").asText());
            if (difference(ours, theirs, stage, slot) == null) {
                matches.add(new Match(run, run.resolve(stage + ".zip")));
            }
        }
        if (matches.isEmpty()) {
            throw new ConfigException(path, runs.isEmpty() ? "no run directory under " + folder
                    : "no run under " + folder + " trained " + stage + " as this run would (same seed "
                    + config.seed() + ", dataset, " + section(slot) + " and " + slot.yaml() + " stages); its "
                    + runs.size() + " run(s) have seeds " + seeds);
        }
        return matches.stream().map(Match::model).filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new ConfigException(path, matches.get(0).runDir() + " trained " + stage
                        + " the same way but has not saved " + stage + ".zip (still running, or output.save_models"
                        + " is false)"));
    }

    /**
     * The first thing that differs between two resolved configs for stage {@code stage} of {@code slot}: "seed",
     * "dataset", the model section or "stages"; null when they would train it alike.
     */
    static String difference(JsonNode ours, JsonNode theirs, String stage, ModelSlot slot) {
        if (!ours.path("seed").asText().equals(theirs.path("seed").asText())) {
            return "seed";
        }
        if (!ours.path("dataset").equals(theirs.path("dataset"))) {
            return "dataset";
        }
        if (!ours.path(section(slot)).equals(theirs.path(section(slot)))) {
            return section(slot);
        }
        List<JsonNode> a = slotStages(ours, stage, slot);
        List<JsonNode> b = slotStages(theirs, stage, slot);
        return a != null && a.equals(b) ? null : "stages";
    }

    /** The config section a slot's network is built from. */
    static String section(ModelSlot slot) {
        return slot == ModelSlot.TEACHER ? "teacher" : "student";
    }

    /**
     * The stages with {@code model: <slot>}, without {@code reuse}, up to and including the one named {@code stage};
     * null when there is no such stage.
     */
    static List<JsonNode> slotStages(JsonNode config, String stage, ModelSlot slot) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode stages = config.path("stages");
        if (!(stages instanceof ArrayNode)) {
            return null;
        }
        for (JsonNode s : stages) {
            if (slot.yaml().equals(s.path("model").asText())) {
                ObjectNode copy = s.deepCopy();
                copy.remove(TrainStageConfig.REUSE);
                out.add(copy);
            }
            if (stage.equals(s.path("name").asText())) {
                return out;
            }
        }
        return null;
    }

    /** Directories up to three levels below {@code folder} (or it) that hold a resolved config, in path order. */
    private static List<Path> runsUnder(Path folder, Path self, String path) {
        try (Stream<Path> s = Files.walk(folder, 4)) {
            return s.filter(p -> p.getFileName().toString().equals(RESOLVED)).map(Path::getParent)
                    .filter(d -> self == null || !d.toAbsolutePath().normalize()
                            .equals(self.toAbsolutePath().normalize()))
                    .sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(path, "cannot read " + folder + ": " + e.getMessage());
        }
    }

    private static JsonNode tree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
