/**
 * The safetensors reader.
 *
 * <p>Section numbers (§N) in the comments of this package refer to docs/checkpoint-formats.md unless they name
 * another document in docs/.
 */
package org.ckptinspector.format.safetensors;
