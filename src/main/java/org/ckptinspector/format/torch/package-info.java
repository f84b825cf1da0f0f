/**
 * The torch.save readers: zip (torch 1.6 and later), the legacy pickle stream, and the oldest tar format.
 */
package org.ckptinspector.format.torch;
