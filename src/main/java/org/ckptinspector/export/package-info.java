/**
 * Writing a subset of a checkpoint as a new .pth or .safetensors file, verified by reading it back.
 */
package org.ckptinspector.export;
