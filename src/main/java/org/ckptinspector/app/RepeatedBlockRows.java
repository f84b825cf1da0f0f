package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.RepeatedBlocks;
import org.ckptinspector.task.TaskMonitor;

/**
 * The layer tree with repeated blocks collapsed: below {@code model.layers}, one pattern row
 * ({@code {0..31} × 32}, totals over the blocks alike) that expands to the block structure they share (the rows of
 * the first of them, under the pattern's keys), followed by the blocks that differ, as they are. The
 * {@link RepeatedBlocks} rule decides what a run is; blocks whose rows are not all in one module are left alone.
 */
public final class RepeatedBlockRows {
    private RepeatedBlockRows() {}

    /** A new tree of {@code c} with its runs of repeated blocks collapsed. */
    public static LayerNode collapsed(Checkpoint c, TaskMonitor monitor) {
        LayerNode root = LayerTreeBuilder.build(c, monitor);
        for (RepeatedBlocks run : RepeatedBlocks.find(c.tensors())) {
            root.find(n -> n.kind() == LayerNode.Kind.MODULE && n.key().equals(run.prefix()))
                    .ifPresent(module -> collapse(module, run));
        }
        return root;
    }

    /** The pattern row's name: {@code {0..31} × 32}. */
    static String patternName(RepeatedBlocks run) {
        return "{" + run.first() + ".." + (run.first() + run.count() - 1) + "} × " + run.count();
    }

    private static void collapse(LayerNode module, RepeatedBlocks run) {
        List<Long> odd = run.oddBlocks();
        List<LayerNode> alike = new ArrayList<>();
        List<LayerNode> different = new ArrayList<>();
        for (LayerNode child : module.children()) {
            long n = run.blockOf(child.key() + ".x");
            if (n < 0 || !child.key().equals(run.prefix() + "." + n)) {
                continue;
            }
            (odd.contains(n) ? different : alike).add(child);
        }
        if (alike.size() + different.size() != run.count() || alike.isEmpty()) {
            return;
        }
        int at = module.children().indexOf(alike.get(0));
        LayerNode pattern = new LayerNode(patternName(run), run.pattern(), module, LayerNode.Kind.MODULE);
        pattern.setValue(null, "× " + run.count());
        Aggregate totals = new Aggregate();
        for (LayerNode b : alike) {
            totals.addAll(b.aggregate());
            module.removeChild(b);
        }
        copyChildren(alike.get(0), pattern, run.pattern());
        pattern.setAggregate(totals);
        module.insertChild(Math.min(at, module.children().size()), pattern);
    }

    /** Copies {@code from}'s rows below {@code to}, their keys under {@code keyPrefix}, tensors shared. */
    private static void copyChildren(LayerNode from, LayerNode to, String keyPrefix) {
        for (LayerNode c : from.children()) {
            LayerNode copy = new LayerNode(c.name(), keyPrefix + "." + c.name(), to, c.kind());
            c.tensor().ifPresent(copy::setTensor);
            c.value().ifPresent(v -> copy.setValue(v, c.typeName()));
            copy.setAggregate(c.aggregate());
            copyChildren(c, copy, copy.key());
            to.insertChild(to.children().size(), copy);
        }
    }
}
