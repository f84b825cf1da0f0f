/**
 * The zip writer of .pth exports, laid out as torch.save lays out its archives.
 */
package org.ckptinspector.export.zip;
