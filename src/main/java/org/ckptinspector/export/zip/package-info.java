/**
 * The zip writer of .pth exports, laid out as torch.save lays out its archives.
 *
 * <p>Section numbers (§N) in the comments of this package refer to docs/checkpoint-formats.md.
 */
package org.ckptinspector.export.zip;
