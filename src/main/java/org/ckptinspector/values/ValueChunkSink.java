package org.ckptinspector.values;

import java.io.IOException;

/** Receives a tensor's values chunk by chunk, in row-major order. */
@FunctionalInterface
public interface ValueChunkSink {

    /**
     * Takes {@code values[0, count)}, which are the values with indices {@code firstIndex …
     * firstIndex + count − 1}. The array is reused for the next chunk: copy what must outlive the call.
     */
    void accept(double[] values, int count, long firstIndex) throws IOException;
}
