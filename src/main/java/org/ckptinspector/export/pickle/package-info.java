/**
 * The pickle writer of .pth exports: only what torch.load(weights_only=True) accepts.
 *
 * <p>Section numbers (§N) in the comments of this package refer to docs/checkpoint-formats.md.
 */
package org.ckptinspector.export.pickle;
