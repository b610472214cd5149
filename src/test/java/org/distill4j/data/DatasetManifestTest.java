package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** datasets/manifest.yaml, the code's checksums and the sample's SHA256SUMS must agree. */
class DatasetManifestTest {
    @Test
    void manifestAgreesWithCodeAndSample() throws Exception {
        JsonNode m = new YAMLMapper().readTree(Path.of("datasets/manifest.yaml").toFile());
        for (Map.Entry<String, String[]> e : FashionMnist.FILES.entrySet()) {
            JsonNode f = m.path("fashion-mnist").path("files").path(e.getKey());
            assertEquals(e.getValue()[0], f.path("gz_md5").asText(), e.getKey());
            assertEquals(e.getValue()[1], f.path("content_sha256").asText(), e.getKey());
        }
        Map<String, String> inFile = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of(Datasets.SAMPLE_DIR, SampleManifest.FILE))) {
            String[] p = line.split("\\s+");
            assertEquals(p[0], m.path("fashion-mnist-sample").path("files").path(p[1]).path("content_sha256").asText(),
                    p[1]);
            inFile.put(p[1], p[0]);
        }
        // the checksums the loader checks are compiled in (a sample at any dataset.path is checked against them)
        assertEquals(inFile, SampleManifest.SHA256);
        assertEquals(FashionMnist.FILES.keySet(), SampleManifest.SHA256.keySet());
    }
}
