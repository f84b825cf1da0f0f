package org.ckptinspector.values;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.ckptinspector.model.TensorRef;

/** SHA-256 of a tensor's elements in row-major little-endian order, as {@code t.contiguous().numpy().tobytes()}. */
public final class TensorHash {
    private TensorHash() {}

    public static String sha256(TensorRef t) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        TensorBytes.stream(t, TensorBytes.DEFAULT_CHUNK, digest::update);
        return HexFormat.of().formatHex(digest.digest());
    }
}
