package org.distill4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.distill4j.data.Datasets;
import org.distill4j.data.FashionMnist;
import org.distill4j.model.Backend;
import org.distill4j.run.Env;
import org.distill4j.run.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code distill doctor}: what will happen on this machine. Versions, the ND4J backend (and whether it loads and
 * computes), CPU features, a GPU and whether ND4J's CUDA build covers it, threads and the runtime defaults
 * {@code ./distill} sets, memory limits, where each dataset would be found, Slurm, and ONNX Runtime's providers.
 * Exit 0 when training can run here, 1 when it cannot (a line marked {@code PROBLEM} says why).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check this machine: versions, ND4J backend, CPU and GPU, threads, memory, datasets, Slurm, "
                + "ONNX Runtime.", "Exit 0 when training can run here, 1 when it cannot."})
final class DoctorCommand implements Callable<Integer> {
    /** The compute capability from which ND4J 1.0.0-M2.1's CUDA 11.6 build has no kernels (sm_90: H100, H200). */
    static final double FIRST_UNCOVERED_CAPABILITY = 9.0;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One line of the report. */
    record Line(Status status, String topic, String text) {
    }

    enum Status { OK, NOTE, PROBLEM }

    @Override
    public Integer call() {
        List<Line> lines = new ArrayList<>();
        versions(lines);
        backend(lines);
        gpu(lines, nvidiaSmi());
        threadsAndMemory(lines);
        datasets(lines);
        slurm(lines);
        onnxRuntime(lines);
        var out = spec.commandLine().getOut();
        for (Line l : lines) {
            out.printf("%-8s %-13s %s%n", l.status(), l.topic(), l.text());
        }
        boolean ok = lines.stream().noneMatch(l -> l.status() == Status.PROBLEM);
        out.println(ok ? "training can run here" : "training cannot run here: see PROBLEM above");
        out.flush();
        return ok ? DistillCli.EXIT_OK : DistillCli.EXIT_ERROR;
    }

    private static void versions(List<Line> lines) {
        Properties p = Provenance.buildInfo();
        lines.add(new Line(Status.OK, "java", Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"));
        lines.add(new Line(Status.OK, "distill4j", p.getProperty("version", "unknown") + ", home " + Env.home()
                .toAbsolutePath()));
        lines.add(new Line(Status.OK, "dl4j", "Deeplearning4j/ND4J " + p.getProperty("dl4j.version", "?")
                + ", built for backend " + p.getProperty("nd4j.backend", "?")));
    }

    private static void backend(List<Line> lines) {
        List<String> flags = Provenance.cpuFlags();
        lines.add(new Line(flags.contains("avx2") ? Status.OK : Status.PROBLEM, "cpu",
                Runtime.getRuntime().availableProcessors() + " processors for this JVM; flags "
                        + (flags.isEmpty() ? "(unknown)" : String.join(" ", flags))
                        + (flags.contains("avx2") ? "" : "; the native build (linux-x86_64-onednn-avx2) needs AVX2")
                        + (flags.contains("avx512_vnni") || flags.contains("avx_vnni") ? "; VNNI: 8-bit ONNX "
                        + "kernels at full speed" : "; no VNNI: ship 7-bit weights for ONNX Runtime's fast int8 "
                        + "kernels (docs/compression.md)")));
        try {
            String name = org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName();
            double sum = org.nd4j.linalg.factory.Nd4j.create(new float[]{1, 2, 3}, new long[]{1, 3}).mmul(
                    org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1)).getDouble(0);
            boolean oneDnn = Backend.nativeOneDnn();
            lines.add(new Line(sum == 6 ? Status.OK : Status.PROBLEM, "nd4j", name + " loads and computes"
                    + (sum == 6 ? "" : " wrongly (1+2+3 = " + sum + ")") + "; oneDNN " + (oneDnn ? "compiled in"
                    : "absent: convolutions and BatchNorm run 8-10x slower")));
            for (String w : Backend.speedWarnings()) {
                lines.add(new Line(Status.NOTE, "speed", w));
            }
        } catch (RuntimeException | LinkageError e) {
            lines.add(new Line(Status.PROBLEM, "nd4j", "the ND4J backend does not load: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName())));
        }
    }

    /** {@code name, compute capability} of each NVIDIA GPU, from nvidia-smi; empty without one (or without it). */
    static List<String> nvidiaSmi() {
        String out = Provenance.commandOutput("nvidia-smi", "--query-gpu=name,compute_cap", "--format=csv,noheader");
        if (out == null) { // an older nvidia-smi without compute_cap
            out = Provenance.commandOutput("nvidia-smi", "--query-gpu=name", "--format=csv,noheader");
        }
        return out == null ? List.of() : out.lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** What a GPU ({@code name, capability} lines) means for training and for ONNX teachers. */
    static void gpu(List<Line> lines, List<String> gpus) {
        if (gpus.isEmpty()) {
            lines.add(new Line(Status.NOTE, "gpu", "no NVIDIA GPU (nvidia-smi absent or found none): training and "
                    + "ONNX teachers run on the CPU"));
            return;
        }
        for (String g : gpus) {
            int comma = g.lastIndexOf(',');
            String name = comma < 0 ? g : g.substring(0, comma).trim();
            double cc;
            try {
                cc = Double.parseDouble(g.substring(comma + 1).trim());
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                cc = Double.NaN;
            }
            String sm = Double.isNaN(cc) ? "?" : "sm_" + Math.round(cc * 10);
            if (Double.isNaN(cc)) {
                lines.add(new Line(Status.NOTE, "gpu", name + ": compute capability unknown (nvidia-smi did not give "
                        + "it); ND4J's CUDA build (-Pcuda, CUDA 11.6) covers sm_37 to sm_86, not sm_90 (H100, H200)"));
            } else if (cc >= FIRST_UNCOVERED_CAPABILITY) {
                lines.add(new Line(Status.NOTE, "gpu", name + " (compute capability " + cc + ", " + sm + "): ND4J "
                        + "1.0.0-M2.1's CUDA build is CUDA 11.6, which has no " + sm + " kernels, so -Pcuda training "
                        + "cannot use it; train on the CPU, and run ONNX teachers on it with ONNX Runtime GPU "
                        + "(onnxruntime_gpu, -Pcuda)"));
            } else {
                lines.add(new Line(Status.OK, "gpu", name + " (compute capability " + cc + ", " + sm + "): within "
                        + "CUDA 11.6, which ND4J's CUDA build (-Pcuda) uses"));
            }
        }
    }

    private static void threadsAndMemory(List<Line> lines) {
        StringBuilder vars = new StringBuilder();
        for (String k : Backend.RUNTIME_VARIABLES) {
            String v = System.getenv(k);
            if (v != null) {
                vars.append(vars.length() == 0 ? "" : ", ").append(k).append('=').append(v);
            }
        }
        lines.add(new Line(Status.OK, "threads", Runtime.getRuntime().availableProcessors() + " processors; "
                + (vars.length() == 0 ? "no native runtime variables set (./distill sets OMP_WAIT_POLICY=PASSIVE "
                + "and glibc MALLOC_* thresholds)" : vars)));
        long heap = Runtime.getRuntime().maxMemory();
        long physical = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
        Long total = Provenance.totalMemory();
        lines.add(new Line(heap < (256L << 20) ? Status.PROBLEM : Status.OK, "memory", "Java heap " + mib(heap)
                + ", native limit " + (physical > 0 ? mib(physical) : "none") + " (JavaCPP maxphysicalbytes), machine "
                + (total == null ? "?" : mib(total)) + (heap < (256L << 20) ? "; a heap under 256 MiB cannot hold "
                + "Fashion-MNIST: raise -Xmx" : "")));
    }

    private static String mib(long bytes) {
        return String.format("%,d MiB", bytes >> 20);
    }

    private static void datasets(List<Line> lines) {
        Path sample = Env.home().resolve(Datasets.SAMPLE_DIR);
        lines.add(new Line(Files.isDirectory(sample) ? Status.OK : Status.NOTE, "data", "fashion-mnist-sample: "
                + (Files.isDirectory(sample) ? sample : "not found at " + sample + " (run from the checkout or set "
                + "DISTILL4J_HOME)")));
        Path found = null;
        for (Path d : FashionMnist.searchPath(null)) {
            if (FashionMnist.hasAll(d)) {
                found = d;
                break;
            }
        }
        lines.add(new Line(found != null ? Status.OK : Status.NOTE, "data", "fashion-mnist: " + (found != null
                ? found : "not found in " + FashionMnist.searchPath(null) + "; a run downloads it, or apt-get "
                + "install dataset-fashion-mnist, or set dataset.path")));
    }

    private static void slurm(List<Line> lines) {
        String v = Provenance.commandOutput("sbatch", "--version");
        lines.add(new Line(Status.NOTE, "slurm", v == null ? "no Slurm client (sbatch) on PATH: sweeps run locally "
                + "(executor: local)" : v.trim() + ": sweeps can run as job arrays (executor: slurm)"));
    }

    private static void onnxRuntime(List<Line> lines) {
        try {
            var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
            lines.add(new Line(Status.OK, "onnxruntime", env.getVersion() + ", providers "
                    + ai.onnxruntime.OrtEnvironment.getAvailableProviders()
                    + ": runs ONNX teachers and exported students"));
        } catch (RuntimeException | LinkageError e) {
            lines.add(new Line(Status.NOTE, "onnxruntime", "does not load ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "): ONNX teachers and ONNX "
                    + "export checks cannot run"));
        }
    }
}
