package org.ckptinspector.app;

import java.util.Optional;
import org.ckptinspector.model.PyValue;

/** Where a file uses a global: the first row that is an instance of it, the global itself, or a tensor of it. */
public final class GlobalRows {
    private GlobalRows() {}

    /** The first row of {@code tree}, in tree order, that uses {@code global} ({@code collections.OrderedDict}). */
    public static Optional<LayerNode> firstUse(LayerNode tree, String global) {
        return tree.find(n -> n.kind() != LayerNode.Kind.ROOT && uses(n, global)).or(
                () -> global.equals(tree.typeName()) ? Optional.of(tree) : Optional.empty());
    }

    private static boolean uses(LayerNode n, String global) {
        return global.equals(n.typeName())
                || n.value().filter(v -> v instanceof PyValue.Global g && g.qualifiedName().equals(global)).isPresent()
                || n.tensor().map(t -> global.equals(t.pythonType())).orElse(false);
    }
}
