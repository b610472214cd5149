package org.distill4j.data;

import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes a dataset's splits as files other tools read: an image folder (one sub-folder per class, the layout of Keras'
 * {@code image_dataset_from_directory} and torchvision's {@code ImageFolder}) of PNGs, or CSV files with a label
 * column. Everything goes into a temporary folder beside {@code out} that becomes {@code out} only when complete.
 */
public final class DatasetExport {
    private DatasetExport() {
    }

    public enum Format { IMAGE_FOLDER, CSV }

    /**
     * The folder name of class {@code k} of {@code classes}: its index, zero-padded so that sorting the folders by name
     * (as folder readers do) keeps the dataset's class order, then its name with characters a file name cannot hold
     * replaced ({@code 0_T-shirt_top}).
     */
    public static String classFolder(int k, java.util.List<String> classes) {
        int width = String.valueOf(Math.max(0, classes.size() - 1)).length();
        return String.format("%0" + width + "d", k) + "_" + classes.get(k).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Writes {@code train} and {@code test} (their first {@code limit} images each) to {@code out}, a new folder. */
    public static void write(ImageDataset train, ImageDataset test, Format format, Path out, int limit)
            throws IOException {
        if (Files.exists(out)) {
            throw new DataException("--out: " + out + " exists; give a new folder");
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // a plain folder (the umask's permissions, not a temporary folder's owner-only ones): it becomes out
        Path tmp = Files.createDirectory(parent.resolve("." + out.getFileName() + ".tmp-" + ProcessHandle.current()
                .pid() + "-" + System.nanoTime()));
        try {
            for (ImageDataset d : new ImageDataset[]{train, test}) {
                String split = d == train ? "train" : "test";
                int n = Math.min(limit, d.size());
                if (format == Format.IMAGE_FOLDER) {
                    writeFolder(d, n, tmp.resolve(split));
                } else {
                    writeCsv(d, n, tmp.resolve(split + ".csv"));
                }
            }
            Files.move(tmp, out);
        } finally {
            org.distill4j.run.AtomicFiles.deleteTree(tmp);
        }
    }

    private static void writeFolder(ImageDataset d, int n, Path dir) throws IOException {
        int width = String.valueOf(Math.max(0, d.size() - 1)).length();
        // only the classes among the first n images get a folder (an empty class folder is refused when read)
        try (var pb = org.distill4j.run.Progress.steps("export " + dir.getFileName(), n, "images")) {
            for (int i = 0; i < n; i++) {
                Path f = Files.createDirectories(dir.resolve(classFolder(d.labels()[i], d.classNames())))
                        .resolve(String.format("%0" + width + "d.png", i));
                if (!ImageIO.write(image(d, i), "png", f.toFile())) {
                    throw new IOException("no PNG writer in this Java");
                }
                pb.step(1);
            }
        }
    }

    /** Image {@code i} of {@code d} as a grayscale (1 channel) or RGB (3 channels) picture. */
    static BufferedImage image(ImageDataset d, int i) {
        int h = d.height();
        int w = d.width();
        int c = d.channels();
        if (c != 1 && c != 3) {
            throw new DataException("cannot write " + c + "-channel images as PNG (1 or 3 channels)");
        }
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        byte[] px = d.pixels();
        int base = i * d.pixelsPerImage();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = base + y * w + x;
                if (c == 1) {
                    img.getRaster().setSample(x, y, 0, px[o] & 0xff);
                } else {
                    int hw = h * w;
                    img.setRGB(x, y, (px[o] & 0xff) << 16 | (px[o + hw] & 0xff) << 8 | (px[o + 2 * hw] & 0xff));
                }
            }
        }
        return img;
    }

    /** A header {@code label,p0,...}, then one row per image: its class name and its pixels (0..255, channel-major). */
    private static void writeCsv(ImageDataset d, int n, Path file) throws IOException {
        int p = d.pixelsPerImage();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder("label");
            for (int j = 0; j < p; j++) {
                header.append(",p").append(j);
            }
            out.write(header.append('\n').toString());
            byte[] px = d.pixels();
            for (int i = 0; i < n; i++) {
                StringBuilder row = new StringBuilder(csvField(d.classNames().get(d.labels()[i])));
                for (int j = 0; j < p; j++) {
                    row.append(',').append(px[i * p + j] & 0xff);
                }
                out.write(row.append('\n').toString());
            }
        }
    }

    static String csvField(String s) {
        return s.matches("[^,\"\\n\\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
