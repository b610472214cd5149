package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundled sample's {@code SHA256SUMS} (content checksums of the decompressed IDX files, one
 * {@code <sha256>  <file>} per line), checked on every load so a damaged sample is an error, not a
 * silently different experiment.
 */
final class SampleManifest {
    static final String FILE = "SHA256SUMS";

    private SampleManifest() {
    }

    static void verify(Path dir, Map<String, String> actual) {
        Path m = dir.resolve(FILE);
        Map<String, String> expected = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(m)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2) {
                    expected.put(parts[1], parts[0]);
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + m + ": " + e.getMessage(), e);
        }
        for (String f : List.copyOf(FashionMnist.FILES.keySet())) {
            String want = expected.get(f);
            if (want == null) {
                throw new DataException(m + " has no checksum for " + f);
            }
            if (!want.equals(actual.get(f))) {
                throw new DataException(dir.resolve(f) + ": content checksum " + actual.get(f) + " does not match "
                        + FILE + " (" + want + ")");
            }
        }
    }

    static void write(Path dir, Map<String, String> sums) throws IOException {
        StringBuilder sb = new StringBuilder();
        sums.forEach((f, s) -> sb.append(s).append("  ").append(f).append('\n'));
        Files.writeString(dir.resolve(FILE), sb.toString());
    }
}
