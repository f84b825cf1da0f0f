package org.ckptinspector.container;

import java.io.IOException;
import org.ckptinspector.io.ByteRegion;

/**
 * What the scanner needs of a {@code .npy} payload: {@code numpy.lib.format.read_array} runs {@code pickle.load}
 * on the bytes after the header whenever the dtype holds objects.
 */
public final class NpyArray {
    private NpyArray() {}

    /**
     * The pickle an array's reader would run (everything after the header), or null when numpy would run none: the
     * bytes are no array, numpy refuses the header, or the dtype certainly holds no objects. A header this parser
     * cannot read but whose framing is sound counts as an object array, since numpy may still read it.
     */
    public static ByteRegion objectPickle(ByteRegion bytes) throws IOException {
        if (!NpyHeader.sniff(bytes)) {
            return null;  // most scanned records are no array: no exception for them
        }
        long dataStart;
        try {
            NpyHeader header = NpyHeader.read(bytes);
            if (!header.mayHoldObjects()) {
                return null;
            }
            dataStart = header.dataStart();
        } catch (NpyHeader.Invalid e) {
            if (e.dataStart() < 0) {
                return null;
            }
            dataStart = e.dataStart();
        }
        return bytes.region(dataStart, bytes.length() - dataStart);
    }
}
