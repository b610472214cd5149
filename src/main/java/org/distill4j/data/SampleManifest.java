package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The bundled sample's content checksums (SHA-256 of the decompressed IDX files), compiled in and checked on every
 * load wherever the files are read from (the checkout's {@code datasets/fashion-mnist-sample} or a
 * {@code dataset.path}), so a damaged, edited or swapped sample is an error, not a silently different experiment. The
 * sample's {@code SHA256SUMS} file (one {@code <sha256>  <file>} per line, written by {@link SampleMaker}) and
 * {@code datasets/manifest.yaml} state the same sums; {@code DatasetManifestTest} keeps the three in agreement. A
 * sample made anew must have its sums entered here on purpose.
 */
final class SampleManifest {
    static final String FILE = "SHA256SUMS";

    /** File name → SHA-256 of its decompressed content, as made by the manifest's {@code made_with} command. */
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte.gz", "956943026e79b951d0260c2319e0851e6ce5f9ab3ee701db0b6b1d0899a237f2",
            "train-labels-idx1-ubyte.gz", "226a8b79434c0a2ac6f09d174a1d53f9d68e284d3f94d6488a02ce8737dac1f6",
            "t10k-images-idx3-ubyte.gz", "49342db1d8059a046a88591a742deb07b3d764d29c0b6e5db132200dcd0cbc25",
            "t10k-labels-idx1-ubyte.gz", "16896f0f64d42df2071b9b6ea970d4ae18cb4a86bc10f3ee8532ab985c1cdaaa");

    private SampleManifest() {
    }

    /** Fails unless every file's content checksum in {@code actual} (file name → sha256) is the bundled sample's. */
    static void verify(Path dir, Map<String, String> actual) {
        for (String f : List.copyOf(FashionMnist.FILES.keySet())) {
            String want = SHA256.get(f);
            if (!want.equals(actual.get(f))) {
                throw new DataException(dir.resolve(f) + ": content checksum " + actual.get(f) + " is not the "
                        + "bundled fashion-mnist-sample's (" + want + ", datasets/manifest.yaml); the file is "
                        + "damaged or not the sample");
            }
        }
    }

    static void write(Path dir, Map<String, String> sums) throws IOException {
        StringBuilder sb = new StringBuilder();
        sums.forEach((f, s) -> sb.append(s).append("  ").append(f).append('\n'));
        Files.writeString(dir.resolve(FILE), sb.toString());
    }
}
