package org.ckptinspector.trajectory;

/**
 * The tensors of one module (the key up to its last dot) over the run; figures come from the sums of all its
 * tensors, so a module's norm is the norm of all its values.
 *
 * @param tensors how many keys belong to it
 * @param frozen every one of its tensors is frozen
 * @param firstNonfinite the first step at which one of its tensors holds a NaN or infinity, or null
 */
public record ModuleTrajectory(String module, int tensors, boolean frozen, Integer firstNonfinite, Series series) {}
