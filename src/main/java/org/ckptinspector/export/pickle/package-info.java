/**
 * The pickle writer of .pth exports: only what torch.load(weights_only=True) accepts.
 */
package org.ckptinspector.export.pickle;
