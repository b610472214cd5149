package org.distill4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.nd4j.linalg.factory.Nd4j;

/** What ND4J backend this process runs on, for provenance and benchmark records. */
public final class Backend {
    private Backend() {
    }

    /** The native library's build flags ({@code HAVE_ONEDNN}, {@code HAVE_OPENBLAS}, ...). */
    public static List<String> buildFlags() {
        List<String> flags = new ArrayList<>();
        String info;
        try {
            info = Nd4j.getBackend().buildInfo();
        } catch (RuntimeException | LinkageError e) {
            return flags;
        }
        for (String line : info.split("\\R")) {
            if (line.trim().startsWith("HAVE_")) {
                flags.add(line.trim());
            }
        }
        return flags;
    }

    /** True when the native library has oneDNN compiled in (conv, BatchNorm, pooling and more run through it). */
    public static boolean nativeOneDnn() {
        return buildFlags().contains("HAVE_ONEDNN");
    }

    public static Map<String, Object> describe() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("name", Nd4j.getBackend().getClass().getSimpleName());
        b.put("build_flags", buildFlags());
        b.put("onednn_helpers", OneDnn.enabled());
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Map<String, Object> envMap = new TreeMap<>();
        for (String k : env.stringPropertyNames()) {
            envMap.put(k, env.getProperty(k));
        }
        env.forEach((k, v) -> envMap.putIfAbsent(String.valueOf(k), String.valueOf(v)));
        b.put("environment", envMap);
        Map<String, String> vars = new LinkedHashMap<>();
        for (String k : RUNTIME_VARIABLES) {
            vars.put(k, System.getenv(k));
        }
        b.put("runtime_environment", vars);
        return b;
    }

    /** Environment variables that change native speed; recorded with every run and benchmark. */
    public static final List<String> RUNTIME_VARIABLES = List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY",
            "OPENBLAS_NUM_THREADS", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "DNNL_VERBOSE");

    /**
     * Settings this process runs without that make training measurably slower here (docs/performance.md);
     * {@code ./distill} sets them, a JVM started another way may not.
     */
    public static List<String> speedWarnings() {
        List<String> w = new ArrayList<>();
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            w.add("OMP_WAIT_POLICY is unset: spinning OpenMP threads slow dense layers 2.5-4x on small machines; "
                    + "export OMP_WAIT_POLICY=PASSIVE (./distill does)");
        }
        if (Nd4j.getEnvironment().isCPU() && !nativeOneDnn()) {
            w.add("the ND4J native library has no oneDNN: convolutions and BatchNorm run 8-10x slower; "
                    + "build with the default -Dnd4j.native.classifier=linux-x86_64-onednn-avx2");
        }
        return w;
    }
}
