package org.distill4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.datavec.image.recordreader.ImageRecordReader;
import org.distill4j.config.ConfigException;
import org.distill4j.config.DatasetConfig;
import org.distill4j.run.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code dataset: {name: image-folder, train: DIR, test: DIR, height, width, channels}}: images in one sub-folder per
 * class (the layout of Keras' {@code image_dataset_from_directory} and torchvision's {@code ImageFolder}), read with
 * DataVec's {@link ImageRecordReader}, labelled by their class folder ({@link ClassFolderLabels}), at
 * {@code height x width} (images of another size are resized, with a warning) as grayscale or RGB. The classes are the
 * train folder's sub-folders in name order. Each split's checksum is a SHA-256 over its files' relative paths and
 * bytes, in name order.
 */
public final class ImageFolder {
    private static final Logger LOG = LogManager.getLogger(ImageFolder.class);
    /** The file types OpenCV reads here. */
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff", "pgm", "ppm",
            "pbm", "pnm", "webp");

    private ImageFolder() {
    }

    public static FashionMnist.Splits load(DatasetConfig c) {
        if (c.path() != null) {
            throw new ConfigException("dataset.path", "an image folder names its folders with train: and test:");
        }
        c.refuse("label", "classes", "scale");
        if (c.channels() != null && c.channels() != 1 && c.channels() != 3) {
            throw new ConfigException("dataset.channels", "must be 1 (grayscale) or 3 (RGB), got " + c.channels());
        }
        Path train = folder(c.train(), "dataset.train");
        Path test = folder(c.test(), "dataset.test");
        int h = required(c.height(), "dataset.height");
        int w = required(c.width(), "dataset.width");
        int ch = c.channels() == null ? 1 : c.channels();
        List<String> classes = classes(train);
        ImageDataset tr = read("image-folder:train", train, classes, h, w, ch, "dataset.train");
        ImageDataset te = read("image-folder:test", test, classes, h, w, ch, "dataset.test");
        Map<String, String> sums = new LinkedHashMap<>(tr.checksums());
        sums.putAll(te.checksums());
        return new FashionMnist.Splits(with(tr, sums), with(te, sums), train.toAbsolutePath().getParent());
    }

    private static ImageDataset with(ImageDataset d, Map<String, String> sums) {
        return new ImageDataset(d.name(), d.pixels(), d.labels(), d.channels(), d.height(), d.width(), d.classNames(),
                Map.copyOf(sums));
    }

    private static int required(Integer v, String key) {
        if (v == null) {
            throw new ConfigException(key, "missing; the size images are read at (others are resized)");
        }
        return v;
    }

    private static Path folder(String dir, String key) {
        return existing(dir, key, true, "a folder with one sub-folder of images per class");
    }

    /**
     * The file ({@code folder}: the folder) a dataset key names: a config error at {@code key} when it is not given
     * ({@code what} says what it should be), a data error when it is not there or of the other kind.
     */
    static Path existing(String name, String key, boolean folder, String what) {
        if (name == null) {
            throw new ConfigException(key, "missing; " + what);
        }
        Path p = Path.of(name);
        if (folder ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
            throw new DataException(key + ": " + p + (Files.exists(p) ? " is not a " + (folder ? "folder" : "file")
                    : " not found"));
        }
        return p;
    }

    /**
     * The class names: the sub-folders of {@code train}, in name order (that each holds an image, {@link #read}
     * checks as it collects them).
     */
    static List<String> classes(Path train) {
        List<String> names;
        try (Stream<Path> s = Files.list(train)) {
            names = s.filter(Files::isDirectory).sorted().map(d -> d.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new DataException("dataset.train: cannot list " + train + ": " + e.getMessage());
        }
        if (names.size() < 2) {
            throw new DataException("dataset.train: " + train + " has " + names.size() + " class folder"
                    + (names.size() == 1 ? "" : "s") + "; a classifier needs at least 2 (one sub-folder per class)");
        }
        return names;
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
        }
    }

    static boolean isImage(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static ImageDataset read(String name, Path root, List<String> classes, int h, int w, int ch, String key) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.filter(Files::isDirectory).sorted().toList()) {
                String cls = d.getFileName().toString();
                if (!classes.contains(cls)) {
                    throw new DataException(key + ": class folder " + d + " is not a class of the training set "
                            + "(" + String.join(", ", classes) + ")");
                }
                List<Path> imgs = images(d);
                if (imgs.isEmpty()) {
                    throw new DataException(key + ": class folder " + d + " holds no images ("
                            + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
                }
                files.addAll(imgs);
            }
        } catch (IOException e) {
            throw new DataException(key + ": cannot list " + root + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new DataException(key + ": " + root + " holds no class folders with images");
        }
        // by file name, then folder: a folder written by `distill data export` (files named by their index in the
        // split) reads back in the original order, so a run on it is the run on the original files
        files.sort(java.util.Comparator.comparing((Path f) -> f.getFileName().toString()).thenComparing(f -> f));
        int p = ch * h * w;
        byte[] pixels = new byte[files.size() * p];
        int[] labels = new int[files.size()];
        List<URI> uris = files.stream().map(Path::toUri).toList();
        List<String> resized = new ArrayList<>();
        try (ImageRecordReader reader = new ImageRecordReader(h, w, ch, new ClassFolderLabels(root));
             Progress pb = Progress.steps("read " + name, files.size(), "images")) {
            reader.initialize(new CollectionInputSplit(uris));
            reader.setLabels(classes); // the training set's classes, whichever this split holds
            for (int i = 0; i < files.size(); i++) {
                List<Writable> rec;
                try {
                    rec = reader.next();
                } catch (RuntimeException e) {
                    throw new DataException(key + ": " + files.get(i) + " is not an image OpenCV can read ("
                            + firstLine(e) + ")");
                }
                INDArray img = ((NDArrayWritable) rec.get(0)).get();
                labels[i] = rec.get(1).toInt();
                if (labels[i] < 0) { // cannot happen: every file lies in a class folder of the training set
                    throw new IllegalStateException(files.get(i) + ": no class");
                }
                toBytes(img, pixels, i * p, ch, h * w, files.get(i), key);
                if (resized.size() < 3 && !size(files.get(i), h, w)) {
                    resized.add(files.get(i).toString());
                }
                pb.step(1);
            }
        } catch (IOException e) {
            throw new DataException(key + ": cannot read " + root + ": " + e.getMessage());
        }
        if (!resized.isEmpty()) {
            LOG.warn("{}: images not of {}x{} were resized to it (e.g. {})", key, w, h, String.join(", ", resized));
        }
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put(name, checksum(root, files));
        return new ImageDataset(name, pixels, labels, ch, h, w, List.copyOf(classes), sums);
    }

    /**
     * DataVec's label of an image: the class folder it lies in directly below {@code root}, at any depth below that
     * (DataVec's {@code ParentPathLabelGenerator} would take the nearest folder, a sub-folder of a class).
     */
    static final class ClassFolderLabels implements org.datavec.api.io.labels.PathLabelGenerator {
        private final String root;

        ClassFolderLabels(Path root) {
            this.root = root.toAbsolutePath().normalize().toString();
        }

        @Override
        public Writable getLabelForPath(String path) {
            Path rel = Path.of(root).relativize(Path.of(path).toAbsolutePath().normalize());
            return new org.datavec.api.writable.Text(rel.getName(0).toString());
        }

        @Override
        public Writable getLabelForPath(URI uri) {
            return getLabelForPath(Path.of(uri).toString());
        }

        @Override
        public boolean inferLabelClasses() {
            return true;
        }
    }

    /**
     * Image {@code img} ({@code [1, c, h, w]}, values 0..255, OpenCV's BGR order for colour) into {@code out} at
     * {@code off} as channel-major RGB bytes.
     */
    static void toBytes(INDArray img, byte[] out, int off, int ch, int hw, Path file, String key) {
        float[] v = img.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        if (v.length != ch * hw) {
            throw new DataException(key + ": " + file + " read as " + v.length + " values, not " + ch * hw);
        }
        for (int c = 0; c < ch; c++) {
            int src = ch == 3 ? (2 - c) * hw : c * hw; // BGR -> RGB
            for (int j = 0; j < hw; j++) {
                out[off + c * hw + j] = (byte) Math.max(0, Math.min(255, Math.round(v[src + j])));
            }
        }
    }

    /** Whether {@code f}'s header says {@code w x h} (true when no Java reader knows its format: no warning). */
    private static boolean size(Path f, int h, int w) {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            var readers = ImageIO.getImageReaders(in);
            if (in == null || !readers.hasNext()) {
                return true;
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                return r.getWidth(0) == w && r.getHeight(0) == h;
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** SHA-256 over each file's path relative to {@code root} and its bytes, in the given (name) order. */
    static String checksum(Path root, List<Path> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (Path f : files) {
                md.update(root.relativize(f).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets
                        .UTF_8));
                md.update((byte) 0);
                try (InputStream in = Files.newInputStream(f)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new DataException("cannot checksum " + root + ": " + e.getMessage());
        }
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).lines().findFirst().orElse(t.getClass().getSimpleName());
    }
}
