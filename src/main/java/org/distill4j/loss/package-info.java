/**
 * DL4J loss functions ({@code ILossFunction}) as thin wrappers over {@code org.distill4j.math}. Their class names are
 * stored in model JSON: never move or rename them.
 */
package org.distill4j.loss;
