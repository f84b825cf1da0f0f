/**
 * The torch.save readers: zip (torch 1.6 and later), the legacy pickle stream, and the oldest tar format.
 *
 * <p>Section numbers (§N) in the comments of this package refer to docs/checkpoint-formats.md unless they name
 * another document in docs/.
 */
package org.ckptinspector.format.torch;
