package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Cuts the bundled sample from the full set: a class-balanced random subset of train and test, written in
 * the same IDX format.
 * {@code java -cp distill4j.jar org.distill4j.data.SampleMaker <out-dir> <train-n> <test-n> <seed>}
 */
public final class SampleMaker {
    private SampleMaker() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int nTrain = Integer.parseInt(args[1]);
        int nTest = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        FashionMnist.Splits full = FashionMnist.loadFull(null, false);
        Files.createDirectories(out);
        Map<String, String> sums = new LinkedHashMap<>();
        write(out, "train", balanced(full.train(), nTrain, new Random(seed)), sums);
        write(out, "t10k", balanced(full.test(), nTest, new Random(seed + 1)), sums);
        SampleManifest.write(out, sums);
    }

    static ImageDataset balanced(ImageDataset d, int n, Random rng) {
        int k = d.numClasses();
        int[] perm = ImageDataset.permutation(d.size(), rng);
        int[] taken = new int[k];
        List<Integer> idx = new ArrayList<>();
        for (int i : perm) {
            if (idx.size() == n) {
                break;
            }
            int c = d.labels()[i];
            if (taken[c] < n / k) {
                taken[c]++;
                idx.add(i);
            }
        }
        int[] a = idx.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(a);
        return d.subset(a, d.name());
    }

    static void write(Path dir, String prefix, ImageDataset d, Map<String, String> sums) throws IOException {
        Path img = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path lab = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        byte[] labels = new byte[d.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) d.labels()[i];
        }
        IdxFile.writeGz(img, new int[]{d.size(), d.height(), d.width()}, d.pixels());
        IdxFile.writeGz(lab, new int[]{d.size()}, labels);
        sums.put(img.getFileName().toString(), IdxFile.read(img).sha256());
        sums.put(lab.getFileName().toString(), IdxFile.read(lab).sha256());
    }
}
