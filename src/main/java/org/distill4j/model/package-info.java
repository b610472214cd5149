/**
 * Networks: the built-in architectures (mlp, lenet5, resnet, layers; each a record that binds its keys and builds its
 * network, registered in {@code Plugins}), the {@code Net} wrapper over MultiLayerNetwork and ComputationGraph, model
 * summaries (params, FLOPs), compact files, pruning and low-rank surgery, oneDNN helper status.
 */
package org.distill4j.model;
