package org.ckptinspector.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import org.ckptinspector.model.Checkpoint;

/** The {@code inspect --json} document of {@link InspectReport} as a tree. */
final class InspectTree {
    private InspectTree() {}

    static ObjectNode of(Checkpoint c, boolean withHash) throws IOException {
        // A mapper of its own, made here: the command line's streamed document never needs one.
        ObjectMapper trees = new ObjectMapper();
        try (TokenBuffer buffer = new TokenBuffer(trees, false)) {
            InspectReport.write(c, withHash, buffer);
            return trees.readTree(buffer.asParser());
        }
    }
}
