package org.ckptinspector.export;

import java.util.List;

/** Lists of keys in one-line messages. */
final class Keys {
    private static final int SHOWN = 5;

    private Keys() {}

    /** {@code a, b, c} or {@code a, b, c, d, e and 7 more}. */
    static String abbreviate(List<String> keys) {
        if (keys.size() <= SHOWN) {
            return String.join(", ", keys);
        }
        return String.join(", ", keys.subList(0, SHOWN)) + " and " + (keys.size() - SHOWN) + " more";
    }
}
