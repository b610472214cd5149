package org.distill4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comparing a committed run whose export is format version 1 with a reproduction that wrote version 2: the file
 * sizes differ by the format alone and are shown but not counted; when the encoded parameters differ as well,
 * everything counts.
 */
class ReproductionTest {
    static final Path OFFICIAL = Path.of("experiments/official/fashion-mnist-mlp_prune_quant");

    /** A copy of the official run's summary, provenance and metrics whose export was written as format 2. */
    static Path reproducedAsVersion2(Path dir, long parameterBytesDelta) throws Exception {
        Files.createDirectories(dir);
        for (String f : List.of("provenance.json", "metrics.jsonl")) {
            Files.copy(OFFICIAL.resolve(f), dir.resolve(f));
        }
        ObjectNode summary = (ObjectNode) Json.MAPPER.readTree(OFFICIAL.resolve("summary.json").toFile());
        ObjectNode export = (ObjectNode) summary.path("stages").path("export");
        export.put("format_version", 2);
        export.put("file_bytes", export.path("file_bytes").asLong() + 8);
        export.put("architecture_bytes", export.path("architecture_bytes").asLong() + 8);
        export.put("ratio_file", export.path("dense_fp32_bytes").asDouble() / export.path("file_bytes").asLong());
        export.put("parameter_bytes", export.path("parameter_bytes").asLong() + parameterBytesDelta);
        Json.write(dir.resolve("summary.json"), summary);
        return dir;
    }

    @Test
    void aVersion1ExportReproducedAsVersion2DiffersOnlyInItsFileSizes(@TempDir Path tmp) throws Exception {
        assertEquals(1, Files.readAllBytes(OFFICIAL.resolve("export.d4jc"))[4], "the committed export is version 1");
        Reproduction.Report r = Reproduction.compare(OFFICIAL, reproducedAsVersion2(tmp.resolve("again"), 0));
        assertEquals(0, r.differing(), r.text());
        assertEquals(List.of("stages.export.architecture_bytes", "stages.export.file_bytes",
                "stages.export.ratio_file"), r.rows().stream().filter(x -> !x.same()).map(Reproduction.Row::metric)
                .toList());
        assertEquals(List.of("stages.export.format_version differs: 1 then, 2 now (a different file format: its "
                + "size metrics differ by the format alone and are not counted)"), r.warnings());
        assertTrue(r.text().contains("differs: file format 1 then, 2 now"), r.text());
        assertTrue(r.text().endsWith("(3 more differ only by the file format version)\n"), r.text());
    }

    @Test
    void aChangedFileIsNamedAndAFileRecordedOnlyNowIsNot(@TempDir Path tmp) throws Exception {
        Path again = reproducedAsVersion2(tmp.resolve("again"), 0);
        ObjectNode prov = (ObjectNode) Json.MAPPER.readTree(again.resolve("provenance.json").toFile());
        ObjectNode sums = (ObjectNode) prov.path("data").path("content_sha256");
        String file = sums.fieldNames().next();
        String then = sums.path(file).asText();
        sums.put(file, "0".repeat(64));
        sums.put("teacher.load t.onnx", "1".repeat(64));
        Json.write(again.resolve("provenance.json"), prov);
        List<String> w = Reproduction.compare(OFFICIAL, again).warnings();
        // hashes are shortened to 57 characters and "..."
        assertEquals(List.of("content of " + file + " differs: " + then.substring(0, 57) + "... then, "
                + "0".repeat(57) + "... now"), w.stream().filter(x -> x.startsWith("content of ")).toList());
    }

    @Test
    void aChangedEncodingMakesTheSizesCountAcrossFormats(@TempDir Path tmp) throws Exception {
        Reproduction.Report r = Reproduction.compare(OFFICIAL, reproducedAsVersion2(tmp.resolve("again"), 1));
        assertEquals(List.of("stages.export.architecture_bytes", "stages.export.file_bytes",
                "stages.export.parameter_bytes", "stages.export.ratio_file"), r.rows().stream()
                .filter(x -> !x.same() && x.explained() == null).map(Reproduction.Row::metric).toList());
        assertEquals(4, r.differing());
        assertEquals(List.of("stages.export.format_version differs: 1 then, 2 now (a different file format: its "
                + "size metrics count, since other metrics of the stage differ too)"), r.warnings());
    }
}
