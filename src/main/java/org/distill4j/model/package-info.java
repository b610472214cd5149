/**
 * Networks: the architecture registry (mlp, lenet5, resnet, layers), the {@code Net} wrapper over MultiLayerNetwork and ComputationGraph, model summaries (params, FLOPs), oneDNN helper status.
 */
package org.distill4j.model;
