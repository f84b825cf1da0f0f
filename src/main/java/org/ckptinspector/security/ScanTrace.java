package org.ckptinspector.security;

import org.ckptinspector.io.ByteRegion;

/** Told of every pickle a scan reads, for tests that compare the scan with what torch unpickles. */
@FunctionalInterface
public interface ScanTrace {
    ScanTrace NONE = (region, start) -> { };

    /** A pickle scan starts at {@code start} of {@code region} (the record, member or stream it lies in). */
    void scanned(ByteRegion region, long start);
}
