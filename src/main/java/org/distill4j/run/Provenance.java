package org.distill4j.run;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What a run needs to be reproduced and compared: code (git commit and dirty flag, distill4j and DL4J
 * versions), platform (Java, OS, CPU, memory, ND4J backend and threads), seeds and data checksums.
 * Collected as a plain map and written as {@code provenance.json}.
 */
public final class Provenance {
    private Provenance() {
    }

    public static Properties buildInfo() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/distill4j.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // leave empty: reported as unknown
        }
        return p;
    }

    /** The static part: code and platform. The pipeline adds backend, seeds, data and times. */
    public static Map<String, Object> collect(Path home, List<String> commandLine) {
        Map<String, Object> m = new LinkedHashMap<>();
        Properties b = buildInfo();
        Map<String, Object> code = new LinkedHashMap<>();
        code.put("distill4j_version", b.getProperty("version", "unknown"));
        code.put("dl4j_version", b.getProperty("dl4j.version", "unknown"));
        code.put("nd4j_backend", b.getProperty("nd4j.backend", "unknown"));
        code.put("nd4j_native_build", b.getProperty("nd4j.native.classifier", "unknown"));
        code.put("git_commit", git(home, "rev-parse", "HEAD"));
        String status = git(home, "status", "--porcelain", "--untracked-files=no");
        code.put("git_dirty", status == null ? null : !status.isBlank());
        m.put("code", code);
        Map<String, Object> platform = new LinkedHashMap<>();
        platform.put("java_version", System.getProperty("java.version"));
        platform.put("java_vendor", System.getProperty("java.vendor"));
        platform.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        platform.put("cpu", cpuModel());
        platform.put("cpu_flags", cpuFlags());
        platform.put("cores", Runtime.getRuntime().availableProcessors());
        platform.put("memory_bytes", totalMemory());
        platform.put("jvm_max_heap_bytes", Runtime.getRuntime().maxMemory());
        platform.put("hostname", hostname());
        m.put("platform", platform);
        m.put("command_line", commandLine);
        m.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("start", Instant.now().toString());
        return m;
    }

    static String git(Path dir, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = dir.toAbsolutePath().toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        String out = commandOutput(cmd);
        return out == null ? null : out.trim();
    }

    /** The standard output of a short command, or null when it is absent, fails or takes over 10 s. */
    public static String commandOutput(String... cmd) {
        try {
            Path outFile = Files.createTempFile("distill4j-cmd", ".out");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .redirectOutput(outFile.toFile()).start();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return null;
                }
                return p.exitValue() == 0 ? Files.readString(outFile) : null;
            } finally {
                Files.deleteIfExists(outFile);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    /** The CPU's vector and integer-dot-product features that decide which kernels run (AVX2, AVX-512, VNNI, AMX). */
    public static List<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return java.util.Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .filter(f -> f.matches("avx2|fma|f16c|avx512(f|bw|vl|dq|_vnni|_bf16|_fp16|vnni)|avx_vnni"
                                    + "|amx_(int8|bf16|tile)")).sorted().toList();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return List.of();
    }

    /** The machine's physical memory in bytes, or null where /proc/meminfo is absent. */
    public static Long totalMemory() {
        return Machine.kiloBytesField(Path.of("/proc/meminfo"), "MemTotal:");
    }

    static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }
}
