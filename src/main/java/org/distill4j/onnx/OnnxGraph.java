package org.distill4j.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/** Builds one ONNX graph: nodes with unique output names, and initializers (weights and constants). */
final class OnnxGraph {
    final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    /** A name not used yet in this graph, {@code base} if free. */
    String fresh(String base) {
        String name = base;
        for (int i = 1; names.contains(name); i++) {
            name = base + "_" + i;
        }
        names.add(name);
        return name;
    }

    /** Adds node {@code op} reading {@code inputs}; returns its (one) output, named after {@code name}. */
    String node(String op, String name, String[] inputs, OnnxMl.AttributeProto... attrs) {
        return nodes(op, name, 1, inputs, attrs)[0];
    }

    /** Adds node {@code op} with {@code outputs} outputs, named after {@code name}; returns their names. */
    String[] nodes(String op, String name, int outputs, String[] inputs, OnnxMl.AttributeProto... attrs) {
        String[] out = new String[outputs];
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op);
        for (int i = 0; i < outputs; i++) {
            out[i] = fresh(i == 0 ? name : name + "_" + i);
            n.addOutput(out[i]);
        }
        n.setName(out[0] + "/" + op);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (OnnxMl.AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    /** A float32 initializer of shape {@code dims} holding {@code values} in row-major order. */
    String floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return tensor(name, OnnxMl.TensorProto.DataType.FLOAT, b.array(), dims);
    }

    /** An int64 initializer of shape {@code dims}. */
    String longs(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return tensor(name, OnnxMl.TensorProto.DataType.INT64, b.array(), dims);
    }

    /** An int8 initializer of shape {@code dims}. */
    String int8s(String name, byte[] values, long... dims) {
        return tensor(name, OnnxMl.TensorProto.DataType.INT8, values, dims);
    }

    /** A uint8 initializer of shape {@code dims}. */
    String uint8s(String name, byte[] values, long... dims) {
        return tensor(name, OnnxMl.TensorProto.DataType.UINT8, values, dims);
    }

    private String tensor(String name, OnnxMl.TensorProto.DataType type, byte[] raw, long... dims) {
        String n = fresh(name);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(n).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return n;
    }

    static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static OnnxMl.AttributeProto integer(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static OnnxMl.AttributeProto real(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    /** A float tensor's type with a named dynamic first dimension ({@code batch}) and fixed others. */
    static OnnxMl.ValueInfoProto value(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int i = 1; i < dims.length; i++) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i]));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }
}
