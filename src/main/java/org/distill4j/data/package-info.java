/**
 * Datasets: IDX reading with content checksums, the Fashion-MNIST resolver (configured path, environment, Debian
 * package, user cache, download), the bundled sample, splits, batches and augmentation.
 */
package org.distill4j.data;
