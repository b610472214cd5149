/**
 * The {@code export} stage: the compact model file (sparse, bit-packed, Huffman-coded), checked by reading it back.
 */
package org.distill4j.stage.export;
