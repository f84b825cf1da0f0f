/**
 * Zip, tar and legacy-stream records found exactly as torch and CPython find them.
 */
package org.ckptinspector.container;
