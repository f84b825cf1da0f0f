/**
 * The scanner: what a checkpoint's pickles would import and run, read as torch reads them.
 */
package org.ckptinspector.security;
