/**
 * ONNX: networks written as ONNX models ({@link org.distill4j.onnx.OnnxExport}, through the protobuf classes of
 * {@code ai.onnx.proto.OnnxMl}) and ONNX models run by ONNX Runtime ({@link org.distill4j.onnx.OnnxSession}).
 */
package org.distill4j.onnx;
