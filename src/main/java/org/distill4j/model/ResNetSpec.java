package org.distill4j.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.distill4j.config.ConfigException;

/**
 * {@code arch: resnet} — CIFAR-style ResNet (He et al. 2016): depth 6n+2 (8, 14, 20, 32, ...), three groups
 * of n basic blocks at {@code width}, 2·width, 4·width channels, BatchNorm, 1x1 projection shortcuts where
 * the shape changes, global average pooling.
 */
@JsonPropertyOrder({"arch", "depth", "width"})
public record ResNetSpec(int depth, int width) implements Architecture {
    public static final String ARCH = "resnet";
    /** The registration of this architecture in {@code Plugins}: its name and its binder. */
    public static final ArchType TYPE = new ArchType(ARCH, ResNetSpec::bind);

    public ResNetSpec {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw ConfigException.field("depth", "must be 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, 110), got " + depth);
        }
        Check.between("width", width, 1, 1024);
    }

    /** Blocks per group. */
    public int blocksPerGroup() {
        return (depth - 2) / 6;
    }

    @Override
    public String arch() {
        return ARCH;
    }

    /** Binds an {@code arch: resnet} section. */
    public static ResNetSpec bind(Obj o) {
        return o.build(() -> new ResNetSpec(o.integer("depth", 20), o.integer("width", 16)));
    }

    @Override
    public Net build(Architectures.InputShape input, int numClasses, long seed) {
        return Architectures.resnet(this, input, numClasses, seed);
    }
}
