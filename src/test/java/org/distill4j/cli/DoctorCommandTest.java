package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code distill doctor} on this machine, and what it says of GPUs it cannot see here. */
class DoctorCommandTest {
    @Test
    void reportsThisMachineAndSaysTrainingCanRun() {
        CliTest.Result r = CliTest.run("doctor");
        assertEquals(0, r.code(), r.out() + r.err());
        for (String topic : List.of("java", "distill4j", "dl4j", "cpu", "nd4j", "gpu", "threads", "memory", "data",
                "slurm", "onnxruntime")) {
            assertTrue(r.out().lines().anyMatch(l -> l.split("\\s+").length > 1 && l.split("\\s+")[1].equals(topic)),
                    "no " + topic + " line in:\n" + r.out());
        }
        assertTrue(r.out().contains("CpuBackend loads and computes"), r.out());
        assertTrue(r.out().contains("fashion-mnist-sample: "), r.out());
        assertTrue(r.out().strip().endsWith("training can run here"), r.out());
    }

    @Test
    void anSm90GpuIsNotCoveredByNd4jsCudaBuildAndAnAmpereOneIs() {
        List<DoctorCommand.Line> lines = new ArrayList<>();
        DoctorCommand.gpu(lines, List.of("NVIDIA H200, 9.0", "NVIDIA A100-SXM4-80GB, 8.0"));
        assertEquals(2, lines.size());
        assertEquals(DoctorCommand.Status.NOTE, lines.get(0).status());
        assertTrue(lines.get(0).text().startsWith("NVIDIA H200 (compute capability 9.0, sm_90): ND4J 1.0.0-M2.1's "
                + "CUDA build is CUDA 11.6, which has no sm_90 kernels"), lines.get(0).text());
        assertTrue(lines.get(0).text().contains("ONNX Runtime GPU"), lines.get(0).text());
        assertEquals(DoctorCommand.Status.OK, lines.get(1).status());
        assertTrue(lines.get(1).text().contains("sm_80"), lines.get(1).text());
        lines.clear();
        DoctorCommand.gpu(lines, List.of("Tesla K80"));
        assertEquals(DoctorCommand.Status.NOTE, lines.get(0).status());
        assertTrue(lines.get(0).text().startsWith("Tesla K80: compute capability unknown"), lines.get(0).text());
        lines.clear();
        DoctorCommand.gpu(lines, List.of());
        assertEquals(DoctorCommand.Status.NOTE, lines.get(0).status());
    }
}
