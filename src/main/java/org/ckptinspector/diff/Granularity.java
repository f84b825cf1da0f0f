package org.ckptinspector.diff;

/**
 * How finely the comparison is split: bytes of one side per unit of the byte comparison, bytes compared at once
 * within a unit, and values per unit of the value comparison. Units are what threads share out.
 */
record Granularity(long byteUnit, int byteBlock, long valueUnit) {
    /** 64 MiB units keep two threads busy on a few large tensors; 8 MiB blocks are mapped slices, not copies. */
    static final Granularity DEFAULT = new Granularity(64L << 20, 8 << 20, 1L << 22);
}
