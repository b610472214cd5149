package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distill4j.config.Activation;
import org.distill4j.model.Architectures;
import org.distill4j.model.MlpSpec;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults met by a real {@code distill} process: a download server that sends its headers and then stalls (and a
 * download killed half way), and two {@code train --resume} of one run directory at once.
 */
class FaultProcessTest {
    /** What a finished process printed (stdout and stderr together) and its exit code. */
    record Ended(int code, String output) {
        String lastLine() {
            List<String> lines = output.strip().lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /** Starts {@code distill args} in its own JVM with {@code jvmArgs}, output to {@code log}, no $DISTILL4J_DATA. */
    static Process start(Path log, List<String> jvmArgs, String... args) throws IOException {
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        jvm.addAll(jvmArgs);
        ProcessBuilder pb = new ProcessBuilder(CliTest.javaCommand(jvm, args)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("DISTILL4J_DATA");
        return pb.start();
    }

    static Ended await(Process p, Path log, int seconds) throws Exception {
        boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        assertTrue(ended, "did not end in " + seconds + " s: " + Files.readString(log));
        return new Ended(p.exitValue(), Files.readString(log));
    }

    /**
     * A server that sends headers and 1,000 bytes and then nothing: {@code train} gives up after the stall time
     * with one line saying so (exit 2, no run directory, no partial file). A download killed half way leaves its
     * partial file, which the next download starts again over; it then completes and the data loads.
     */
    @Test
    void aStalledDownloadIsOneLineAndAKilledOneStartsAgain(@TempDir Path dir) throws Exception {
        Path official = Path.of("/usr/share/datasets/fashion-mnist");
        AtomicBoolean serve = new AtomicBoolean(false);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            Path file = official.resolve(ex.getRequestURI().getPath().substring(1));
            if (serve.get()) {
                ex.sendResponseHeaders(200, Files.size(file));
                Files.copy(file, ex.getResponseBody());
            } else {
                ex.sendResponseHeaders(200, 1_000_000);
                ex.getResponseBody().write(new byte[1000]);
                ex.getResponseBody().flush();
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Path cache = dir.resolve("home/.distill4j/datasets/fashion-mnist");
            List<String> jvm = new ArrayList<>(List.of("-Duser.home=" + dir.resolve("home"),
                    "-Ddistill4j.fashion-mnist.url=" + url, "-Ddistill4j.download.stall-seconds=2",
                    "-Ddistill4j.fashion-mnist.system-dir=" + dir.resolve("not-installed")));
            Path log = dir.resolve("stalled.log");
            long t0 = System.nanoTime();
            Ended stalled = await(start(log, jvm, "train", "--config", "configs/quick/distill-mlp.yaml", "--set",
                    "dataset.name=fashion-mnist", "--set", "output.dir=" + dir.resolve("runs")), log, 120);
            assertEquals(2, stalled.code(), stalled.output());
            assertTrue(stalled.lastLine().startsWith("error: Fashion-MNIST not found (looked in ["), stalled.output());
            assertTrue(stalled.lastLine().contains(" and its download failed: GET " + url
                    + "train-images-idx3-ubyte.gz: no data for 2 s, the download stalled; run again, install it "
                    + "with 'apt-get install dataset-fashion-mnist'"), stalled.output());
            assertFalse(stalled.output().contains("\tat "), "no stack trace");
            assertTrue((System.nanoTime() - t0) / 1e9 < 60, "gave up after the stall, not after the server");
            assertFalse(Files.exists(cache.resolve("train-images-idx3-ubyte.gz.part")));
            assertFalse(Files.exists(dir.resolve("runs")), "nothing written");

            Assumptions.assumeTrue(Files.isDirectory(official), "the rest serves the installed Fashion-MNIST files");
            jvm.set(2, "-Ddistill4j.download.stall-seconds=600");
            Path model = dir.resolve("mlp.zip");
            Architectures.build(new MlpSpec(List.of(8), Activation.RELU, 0.0), "a",
                    new Architectures.InputShape(1, 28, 28), 10, 1).save(model);
            String[] eval = {"eval", "--model", model.toString(), "--dataset", "fashion-mnist"};
            Process killed = start(dir.resolve("killed.log"), jvm, eval);
            Path part = cache.resolve("train-images-idx3-ubyte.gz.part");
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!(Files.exists(part) && Files.size(part) == 1000) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            killed.destroyForcibly().waitFor();
            assertTrue(Files.exists(part), "a killed download leaves its partial file");

            serve.set(true);
            release.countDown();
            Path okLog = dir.resolve("ok.log");
            Ended ok = await(start(okLog, jvm, eval), okLog, 300);
            assertEquals(0, ok.code(), ok.output());
            assertFalse(Files.exists(part));
            for (String f : List.of("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
                assertEquals(-1L, Files.mismatch(official.resolve(f), cache.resolve(f)), f);
            }
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    /**
     * While one {@code train --resume} trains, a second one of the same run directory is refused at once (exit 2, one
     * line) and changes nothing; the first completes with one resumption recorded.
     */
    @Test
    void aSecondResumeOfARunDirectoryIsRefusedWhileTheFirstTrains(@TempDir Path dir) throws Exception {
        String[] train = {"train", "--config", "configs/quick/distill-mlp.yaml", "--set", "output.dir=" + dir,
                "--set", "stages.train-teacher.epochs=20", "--set", "stages.train-baseline.epochs=1", "--set",
                "stages.distill.epochs=1"};
        Path log = dir.resolve("first.log");
        Ended halted = await(start(log, List.of("-Ddistill4j.fault=after-metrics:train-teacher:2"), train), log, 300);
        assertEquals(137, halted.code(), halted.output());
        Path run = LiveFiles.find(dir, 2, x -> Files.isRegularFile(x.resolve("metrics.jsonl")));
        assertNotNull(run);

        Path firstLog = dir.resolve("resume-1.log");
        Process first = start(firstLog, List.of(), "train", "--resume", run.toString());
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (Files.readAllLines(run.resolve("metrics.jsonl")).size() < 3 && first.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(first.isAlive(), "the first resume is training: " + Files.readString(firstLog));
        Path secondLog = dir.resolve("resume-2.log");
        Ended second = await(start(secondLog, List.of(), "train", "--resume", run.toString()), secondLog, 120);
        assertTrue(first.isAlive(), "the second was refused while the first trained");
        assertEquals(2, second.code(), second.output());
        assertEquals("error: " + run + " is in use by another distill process (training or resuming it); wait for "
                + "it to end", second.lastLine());

        Ended done = await(first, firstLog, 600);
        assertEquals(0, done.code(), done.output());
        JsonNode prov = Json.MAPPER.readTree(run.resolve("provenance.json").toFile());
        assertEquals("completed", prov.path("status").asText());
        assertEquals(1, prov.path("resumed").size(), prov.toString());
        assertEquals(20 + 1 + 1, ResumeCliTest.stripTimes(run).size(), "each epoch's line once");
    }
}
