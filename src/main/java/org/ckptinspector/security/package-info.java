/**
 * The scanner: what a checkpoint's pickles would import and run, read as torch reads them.
 *
 * <p>Section numbers (§N) in the comments of this package refer to docs/checkpoint-formats.md unless they name
 * another document in docs/.
 */
package org.ckptinspector.security;
