package org.distill4j.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.distill4j.model.Net;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.CannotWriteException;
import org.distill4j.run.Json;
import org.distill4j.run.RunDirectory;

/**
 * End-of-epoch training checkpoints, {@code checkpoints/<stage>/epoch-<n>/}: the network with its optimizer state
 * and iteration counters ({@code model.zip}), the stage hook's state (masks, shadow weights), and
 * {@code state.json} — epoch, step, times, and the exact state of the shuffling, augmentation and ND4J random
 * streams, so a resumed stage takes the same steps an uninterrupted one would. A checkpoint is written into a
 * temporary directory and renamed into place; only complete ones are ever read, and older ones are removed.
 */
public final class Checkpoint {
    public static final String MODEL = "model.zip";
    static final String STATE = "state.json";

    private Checkpoint() {
    }

    /** Where a stage's checkpoints live. */
    public static Path dir(org.distill4j.run.RunDirectory rd, String stage) {
        return rd.file("checkpoints").resolve(stage);
    }

    /** What a training loop needs besides the network to continue after {@code epoch}. */
    public record State(int epoch, int iteration, double trainSeconds, double wallSeconds, double loss, Random shuffle,
                        Random augment, long rngRoot, long rngNode) {
    }

    /** Writes the checkpoint after {@code st.epoch()}; a failure is a {@link CannotWriteException} naming it. */
    static void save(RunDirectory rd, String stage, Net net, StepHook hook, State st) throws IOException {
        try {
            write(rd, stage, net, hook, st);
        } catch (IOException e) {
            throw CannotWriteException.of(dir(rd, stage).resolve("epoch-" + st.epoch()), e);
        }
    }

    private static void write(RunDirectory rd, String stage, Net net, StepHook hook, State st) throws IOException {
        Path base = dir(rd, stage);
        Files.createDirectories(base);
        Path tmp = base.resolve("epoch-" + st.epoch() + ".tmp");
        AtomicFiles.deleteTree(tmp);
        Files.createDirectories(tmp);
        net.saveCheckpoint(tmp.resolve(MODEL));
        hook.save(net, tmp);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", st.epoch());
        m.put("iteration", st.iteration());
        m.put("train_s", st.trainSeconds());
        m.put("wall_s", st.wallSeconds());
        m.put("loss", st.loss());
        m.put("shuffle", serialize(st.shuffle()));
        m.put("augment", serialize(st.augment()));
        m.put("nd4j_rng_root", st.rngRoot());
        m.put("nd4j_rng_node", st.rngNode());
        Json.write(tmp.resolve(STATE), m);
        Path target = base.resolve("epoch-" + st.epoch());
        AtomicFiles.deleteTree(target);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        for (Path p : list(base)) {
            if (!p.equals(target)) {
                AtomicFiles.deleteTree(p);
            }
        }
    }

    /** The latest complete checkpoint of {@code stage}, or null. */
    static Path latest(org.distill4j.run.RunDirectory rd, String stage) throws IOException {
        Path best = null;
        int bestEpoch = -1;
        for (Path p : list(dir(rd, stage))) {
            String name = p.getFileName().toString();
            if (name.matches("epoch-\\d+") && Files.isRegularFile(p.resolve(STATE))) {
                int e = Integer.parseInt(name.substring(6));
                if (e > bestEpoch) {
                    bestEpoch = e;
                    best = p;
                }
            }
        }
        return best;
    }

    /**
     * Reads {@code dir}'s {@code state.json}; a file cut short, not JSON or without a field is an IOException whose
     * message names it ({@code state.json cut short at line 4}).
     */
    static State state(Path dir) throws IOException {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(dir.resolve(STATE).toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(STATE + " " + Json.problem(e), e);
        }
        for (String k : List.of("epoch", "iteration", "train_s", "wall_s", "loss", "shuffle", "augment",
                "nd4j_rng_root", "nd4j_rng_node")) {
            if (n == null || !n.has(k)) {
                throw new IOException(STATE + " has no '" + k + "'");
            }
        }
        return new State(n.path("epoch").asInt(), n.path("iteration").asInt(), n.path("train_s").asDouble(),
                n.path("wall_s").asDouble(), n.path("loss").asDouble(), deserialize(n.path("shuffle").asText()),
                deserialize(n.path("augment").asText()), n.path("nd4j_rng_root").asLong(),
                n.path("nd4j_rng_node").asLong());
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static String serialize(Random r) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(b)) {
            o.writeObject(r);
        }
        return Base64.getEncoder().encodeToString(b.toByteArray());
    }

    private static Random deserialize(String s) throws IOException {
        try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(s)))) {
            o.setObjectInputFilter(java.io.ObjectInputFilter.Config.createFilter("java.util.Random;!*"));
            Object r = o.readObject();
            if (r.getClass() != Random.class) {
                throw new IOException("checkpoint random state is a " + r.getClass().getName());
            }
            return (Random) r;
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
    }
}
