package org.distill4j.data;

import java.net.SocketTimeoutException;
import java.net.HttpURLConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.run.Progress;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017; MIT license), read from the official IDX files.
 * <p>The full set is looked up in this order: the configured {@code dataset.path},
 * {@code $DISTILL4J_DATA/fashion-mnist}, {@code /usr/share/datasets/fashion-mnist} (Debian's
 * {@code dataset-fashion-mnist}), {@code ~/.distill4j/datasets/fashion-mnist}; failing all, the files are downloaded
 * from the official location into the last directory and checked against the MD5 sums published with the dataset.
 * Whatever the source, the decompressed content of every file must match the SHA-256 below, computed from Debian's
 * package (which repackages the upstream files; Debian recompresses the .gz files, so their compressed bytes and MD5s
 * differ from the published ones).
 */
public final class FashionMnist {
    private static final Logger LOG = LogManager.getLogger(FashionMnist.class);

    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final String BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /** File name → {MD5 of the official .gz as published, SHA-256 of the decompressed IDX content}. */
    static final Map<String, String[]> FILES = new LinkedHashMap<>();

    static {
        FILES.put("train-images-idx3-ubyte.gz", new String[]{"8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"});
        FILES.put("train-labels-idx1-ubyte.gz", new String[]{"25c81989df183df01b3e8a0aad5dffbe",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"});
        FILES.put("t10k-images-idx3-ubyte.gz", new String[]{"bef4ecab320f06d8554ea6380940ec79",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"});
        FILES.put("t10k-labels-idx1-ubyte.gz", new String[]{"bb300cfdad3c16e7a12a480ee83cd310",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"});
    }

    private FashionMnist() {
    }

    /** Train and test sets: {train, test}. */
    public record Splits(ImageDataset train, ImageDataset test, Path directory) {
    }

    /**
     * Where {@code apt-get install dataset-fashion-mnist} puts the files ({@code
     * -Ddistill4j.fashion-mnist.system-dir} looks elsewhere).
     */
    static final String SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";

    /** Candidate directories for the full set, in lookup order. */
    public static List<Path> searchPath(String configuredPath) {
        List<Path> dirs = new ArrayList<>();
        if (configuredPath != null) {
            dirs.add(Path.of(configuredPath));
        }
        String env = System.getenv("DISTILL4J_DATA");
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env, "fashion-mnist"));
        }
        dirs.add(Path.of(System.getProperty("distill4j.fashion-mnist.system-dir", SYSTEM_DIR)));
        dirs.add(userCache());
        return dirs;
    }

    static Path userCache() {
        return Path.of(System.getProperty("user.home"), ".distill4j", "datasets", "fashion-mnist");
    }

    /** Finds (or downloads) the full set and loads it, verifying every file's content checksum. */
    public static Splits loadFull(String configuredPath, boolean allowDownload) {
        if (configuredPath != null) {
            checkDirectory(Path.of(configuredPath));
        }
        List<Path> tried = new ArrayList<>();
        for (Path dir : searchPath(configuredPath)) {
            tried.add(dir);
            if (hasAll(dir)) {
                return load(dir, "fashion-mnist", true);
            }
            if (configuredPath != null && dir.equals(Path.of(configuredPath))) {
                List<String> missing = FILES.keySet().stream().filter(f -> !Files.isRegularFile(dir.resolve(f)))
                        .toList();
                throw new DataException("dataset.path: " + dir + " does not hold the four Fashion-MNIST files ("
                        + String.join(", ", FILES.keySet()) + "); missing: " + String.join(", ", missing));
            }
        }
        String failed = "";
        if (allowDownload) {
            Path dir = userCache();
            try {
                LOG.info("Fashion-MNIST not found locally; downloading from {} into {}", baseUrl(), dir);
                download(dir);
                return load(dir, "fashion-mnist", true);
            } catch (DataException e) {
                failed = " and its download failed: " + e.getMessage() + "; run again,";
            }
        }
        throw new DataException("Fashion-MNIST not found (looked in " + tried + ")" + failed + (failed.isEmpty() ? ";"
                : "") + " install it with "
                + "'apt-get install dataset-fashion-mnist', set dataset.path or $DISTILL4J_DATA, or download the four "
                + "files from " + BASE_URL);
    }

    /** Fails unless the configured {@code dataset.path} is a readable directory, saying which it is not. */
    static void checkDirectory(Path dir) {
        if (!Files.exists(dir)) {
            throw new DataException("dataset.path: " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException("dataset.path: " + dir + " is a file, not a directory");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new DataException("dataset.path: " + dir + " is not readable (permission denied)");
        }
    }

    public static boolean hasAll(Path dir) {
        return FILES.keySet().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /**
     * Loads the four files from {@code dir}. With {@code verify} the decompressed content must match the
     * official checksums (the full set); the bundled sample is checked against its own manifest instead.
     */
    public static Splits load(Path dir, String name, boolean verify) {
        Map<String, String> sums = new LinkedHashMap<>();
        IdxFile[] f = new IdxFile[4];
        Path[] paths = new Path[4];
        int i = 0;
        for (String file : FILES.keySet()) {
            paths[i] = dir.resolve(file);
            if (!Files.isRegularFile(paths[i])) {
                throw new DataException("missing " + paths[i]);
            }
            f[i] = IdxFile.read(paths[i]);
            sums.put(file, f[i].sha256());
            i++;
        }
        // the headers first: a file of the wrong shape is told as such, not as a checksum mismatch
        ImageDataset train = images(name + "/train", paths[0], f[0], paths[1], f[1], sums);
        ImageDataset test = images(name + "/test", paths[2], f[2], paths[3], f[3], sums);
        i = 0;
        for (Map.Entry<String, String[]> e : FILES.entrySet()) {
            if (verify && !f[i].sha256().equals(e.getValue()[1])) {
                throw new DataException(paths[i] + ": content checksum mismatch (sha256 " + f[i].sha256()
                        + ", expected " + e.getValue()[1] + "); the file is corrupt or not the official Fashion-MNIST");
            }
            i++;
        }
        // the pipeline logs this once its run log is open (a bad input after this point stays a one-line error)
        LOG.debug("{}: {} train, {} test images from {}", name, train.size(), test.size(), dir.toAbsolutePath());
        return new Splits(train, test, dir);
    }

    /** Fashion-MNIST's image size: 28×28 grey pixels. */
    static final int SIDE = 28;

    /**
     * One split from its two files, whose headers must agree with Fashion-MNIST: images {@code [count, 28, 28]},
     * labels {@code [count]}, the same count. A header that disagrees is a one-line error naming the file.
     */
    static ImageDataset images(String name, Path imagesFile, IdxFile images, Path labelsFile, IdxFile labels,
                               Map<String, String> sums) {
        int[] d = images.dims();
        if (d.length != 3 || d[1] != SIDE || d[2] != SIDE) {
            throw new DataException(imagesFile + ": the IDX header gives the shape " + Arrays.toString(d)
                    + (d.length == 3 ? " (" + d[1] + "x" + d[2] + " images)" : " (" + d.length + " dimensions)")
                    + "; Fashion-MNIST images are [count, " + SIDE + ", " + SIDE + "]");
        }
        if (labels.dims().length != 1) {
            throw new DataException(labelsFile + ": the IDX header gives the shape " + Arrays.toString(labels.dims())
                    + " (" + labels.dims().length + " dimensions); a labels file is [count]");
        }
        if (labels.count() != images.count()) {
            throw new DataException(labelsFile + ": the IDX header says " + labels.count() + " labels, but "
                    + imagesFile.getFileName() + " holds " + images.count() + " images; the two files of a split must"
                    + " hold the same count");
        }
        int[] y = new int[labels.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.data()[i] & 0xff;
            if (y[i] >= CLASSES.size()) {
                throw new DataException(name + ": label " + y[i] + " at index " + i
                        + " is not a Fashion-MNIST class (0..9)");
            }
        }
        return new ImageDataset(name, images.data(), y, 1, images.dims()[1], images.dims()[2], CLASSES,
                Map.copyOf(sums));
    }

    /** The download location: {@code -Ddistill4j.fashion-mnist.url} or the official one. */
    static String baseUrl() {
        String u = System.getProperty("distill4j.fashion-mnist.url", BASE_URL);
        return u.endsWith("/") ? u : u + "/";
    }

    /** Seconds a download may go without a byte before it is given up ({@code -Ddistill4j.download.stall-seconds}). */
    static int stallSeconds() {
        return Integer.getInteger("distill4j.download.stall-seconds", 60);
    }

    /**
     * Whether gzip file {@code gz} decompresses to the official content ({@code sha256}): a mirror that compressed
     * the files again (Debian's package does) serves other bytes with the same images.
     */
    static boolean officialContent(Path gz, String sha256) {
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
            return IdxFile.sha256(in.readAllBytes()).equals(sha256);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Downloads the four files with a progress bar, verifying each before keeping it (the published MD5, or the
     * official content's sha256). A server that stops sending for {@link #stallSeconds} ends the download with a
     * one-line error; a partial file (of this attempt or of a killed one) never stays behind.
     */
    static void download(Path dir) {
        String base = baseUrl();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String[]> e : FILES.entrySet()) {
                Path target = dir.resolve(e.getKey());
                if (Files.isRegularFile(target)) {
                    continue;
                }
                Path tmp = dir.resolve(e.getKey() + ".part");
                Files.deleteIfExists(tmp); // left by a killed download: start the file again
                String url = base + e.getKey();
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(15_000);
                c.setReadTimeout(stallSeconds() * 1000);
                try {
                    int status = c.getResponseCode();
                    if (status != 200) {
                        throw new DataException("GET " + url + ": HTTP " + status);
                    }
                    long len = c.getContentLengthLong();
                    try (InputStream in = c.getInputStream(); var out = Files.newOutputStream(tmp);
                         Progress pb = Progress.bytes("download " + e.getKey(), len)) {
                        byte[] buf = new byte[1 << 16];
                        for (int r; (r = in.read(buf)) > 0; ) {
                            out.write(buf, 0, r);
                            pb.step(r);
                        }
                    }
                } catch (SocketTimeoutException ex) {
                    Files.deleteIfExists(tmp);
                    throw new DataException("GET " + url + ": no data for " + stallSeconds() + " s, the download "
                            + "stalled");
                } catch (IOException | RuntimeException ex) {
                    Files.deleteIfExists(tmp);
                    throw ex;
                } finally {
                    c.disconnect();
                }
                String md5 = IdxFile.digestFile(tmp, "MD5");
                if (!md5.equals(e.getValue()[0]) && !officialContent(tmp, e.getValue()[1])) {
                    Files.deleteIfExists(tmp);
                    throw new DataException(e.getKey() + ": MD5 " + md5 + " does not match the published "
                            + e.getValue()[0]);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ex) {
            throw new DataException("cannot download Fashion-MNIST: " + (ex.getMessage() != null ? ex.getMessage()
                    : ex.getClass().getSimpleName()), ex);
        }
    }
}
