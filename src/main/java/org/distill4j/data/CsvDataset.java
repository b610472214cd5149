package org.distill4j.data;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.distill4j.config.ConfigException;
import org.distill4j.config.DatasetConfig;
import org.distill4j.run.Progress;

/**
 * {@code dataset: {name: csv, train: FILE, test: FILE, label, classes, scale, height, width, channels}}: tabular data,
 * one example per row after a header, read with DataVec's {@link CSVRecordReader}. The {@code label} column (default
 * {@code label}) holds the class; the other columns are the features, divided by {@code scale} (default 1). The
 * classes are {@code classes} in that order, or else the training file's labels in name order. Rows are flat
 * feature vectors ({@code 1 x 1 x features}) unless {@code height}, {@code width} and {@code channels} say they are
 * images (channel-major). Each file's SHA-256 is recorded in the run's provenance.
 */
public final class CsvDataset {
    private CsvDataset() {
    }

    /** One file's rows: its header, labels (as written) and feature values, with the line each row came from. */
    record Rows(List<String> header, List<String> labels, float[] values, int features) {
    }

    public static FashionMnist.Splits load(DatasetConfig c) {
        if (c.path() != null) {
            throw new ConfigException("dataset.path", "a CSV dataset names its files with train: and test:");
        }
        if (c.augment().perImage()) {
            throw new ConfigException("dataset.augment", "flips and shifts are for images, not CSV rows");
        }
        Path train = file(c.train(), "dataset.train");
        Path test = file(c.test(), "dataset.test");
        String label = c.label() == null ? "label" : c.label();
        float scale = c.scale() == null ? 1f : (float) (1.0 / c.scale());
        Rows tr = read(train, label, scale, "dataset.train");
        Rows te = read(test, label, scale, "dataset.test");
        if (!te.header().equals(tr.header())) {
            throw new DataException("dataset.test: " + test + " has columns " + te.header() + "; the training file "
                    + "has " + tr.header());
        }
        List<String> classes = c.classes() != null ? c.classes() : defaultClasses(tr.labels());
        if (classes.size() < 2) {
            throw new DataException("dataset.train: " + train + " holds " + classes.size() + " class; a classifier "
                    + "needs at least 2");
        }
        int f = tr.features();
        int ch = c.channels() == null ? 1 : c.channels();
        int h = c.height() == null ? 1 : c.height();
        int w = c.width() == null ? f / ch / h : c.width();
        if ((long) ch * h * w != f) {
            throw new ConfigException("dataset.height", "channels x height x width = " + ch + " x " + h + " x " + w
                    + " does not match the " + f + " feature columns of " + train);
        }
        Map<String, String> sums = new TreeMap<>();
        sums.put("csv:train:" + train.getFileName(), IdxFile.digestFile(train, "SHA-256"));
        sums.put("csv:test:" + test.getFileName(), IdxFile.digestFile(test, "SHA-256"));
        return new FashionMnist.Splits(dataset("csv:train", tr, classes, train, ch, h, w, sums, "dataset.train"),
                dataset("csv:test", te, classes, test, ch, h, w, sums, "dataset.test"),
                train.toAbsolutePath().getParent());
    }

    /** The distinct labels in name order, or in numeric order when every one is an integer (0, 1, 2, ..., 10). */
    static List<String> defaultClasses(List<String> labels) {
        TreeSet<String> distinct = new TreeSet<>(labels);
        if (distinct.stream().allMatch(l -> l.matches("-?\\d{1,18}"))) {
            return distinct.stream().sorted(java.util.Comparator.comparingLong(Long::parseLong)).toList();
        }
        return List.copyOf(distinct);
    }

    private static ImageDataset dataset(String name, Rows r, List<String> classes, Path file, int ch, int h, int w,
                                        Map<String, String> sums, String key) {
        int[] labels = new int[r.labels().size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = classes.indexOf(r.labels().get(i));
            if (labels[i] < 0) {
                throw new DataException(key + ": " + file + " line " + (i + 2) + ": label '" + r.labels().get(i)
                        + "' is not one of the classes (" + String.join(", ", classes) + ")");
            }
        }
        return new ImageDataset(name, new byte[0], labels, ch, h, w, classes, Map.copyOf(sums), r.values());
    }

    private static Path file(String f, String key) {
        return ImageFolder.existing(f, key, false, "a CSV file with a header row and a label column");
    }

    /** The rows of {@code file}: every row must have the header's number of columns and numbers beside the label. */
    static Rows read(Path file, String label, float scale, String key) {
        List<String> header = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        int labelAt = -1;
        try (CSVRecordReader reader = new CSVRecordReader(0, ',');
             Progress pb = Progress.steps("read " + file.getFileName(), Files.size(file), "bytes")) {
            reader.initialize(new FileSplit(new File(file.toString())));
            if (!reader.hasNext()) {
                throw new DataException(key + ": " + file + " is empty; a header row and data rows are expected");
            }
            for (Writable wr : reader.next()) {
                header.add(wr.toString().replace("\uFEFF", "").strip()); // a byte-order mark before the first name
            }
            labelAt = header.indexOf(label);
            if (labelAt < 0) {
                throw new DataException(key + ": " + file + " has no column '" + label + "' (set dataset.label); its "
                        + "columns: " + String.join(", ", header.size() > 8 ? header.subList(0, 8) : header)
                        + (header.size() > 8 ? ", ..." : ""));
            }
            for (int line = 2; reader.hasNext(); line++) {
                long bytes = 0;
                List<Writable> rec = reader.next();
                if (rec.size() != header.size()) {
                    throw new DataException(key + ": " + file + " line " + line + " has " + rec.size() + " columns; "
                            + "the header has " + header.size());
                }
                float[] v = new float[header.size() - 1];
                for (int j = 0, k = 0; j < rec.size(); j++) {
                    String s = rec.get(j).toString();
                    bytes += s.length() + 1;
                    if (j == labelAt) {
                        labels.add(s.strip());
                        continue;
                    }
                    try {
                        v[k++] = Float.parseFloat(s.strip()) * scale;
                    } catch (NumberFormatException e) {
                        throw new DataException(key + ": " + file + " line " + line + ", column '" + header.get(j)
                                + "': '" + s + "' is not a number");
                    }
                }
                rows.add(v);
                pb.step(bytes);
            }
        } catch (java.io.IOException | InterruptedException e) {
            throw new DataException(key + ": cannot read " + file + ": " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new DataException(key + ": " + file + " has a header and no rows");
        }
        int f = header.size() - 1;
        float[] values = new float[rows.size() * f];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, values, i * f, f);
        }
        return new Rows(header, labels, values, f);
    }
}
