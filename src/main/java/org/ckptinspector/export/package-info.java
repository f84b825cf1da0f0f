/**
 * Writing a subset of a checkpoint as a new .pth or .safetensors file, verified by reading it back.
 *
 * <p>Section numbers (§N) in the comments of this package refer to docs/checkpoint-formats.md.
 */
package org.ckptinspector.export;
