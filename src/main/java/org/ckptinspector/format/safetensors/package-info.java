/**
 * The safetensors reader.
 */
package org.ckptinspector.format.safetensors;
