package org.ckptinspector.pickle;

import org.ckptinspector.model.CheckpointException;

/**
 * A pickle that cannot be read, or read this far: it describes the bytes, not this code, so it has no stack
 * trace. The scanner tries every text argument that may start a pickle as one, and nearly all such trials end
 * here, so it must be cheap to throw.
 */
public final class MalformedPickle extends CheckpointException {
    private static final long serialVersionUID = 1L;

    public MalformedPickle(Kind kind, String message) {
        super(kind, message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
