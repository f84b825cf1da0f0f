package org.ckptinspector.app;

import java.util.Map;
import java.util.function.Function;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;

/**
 * What the layer tree's type, shape, parameter and size columns show for a row: compact text with the exact
 * value for the tooltip; in Compare mode, where the two sides differ, both as {@code A → B}.
 */
public final class TreeColumnText {
    /** Between A's value and B's where they differ. */
    public static final String ARROW = " → ";

    /** The text of one cell, and the exact value behind it (null: the text is exact). */
    public record Cell(String text, String exact) {
        static final Cell EMPTY = new Cell("", null);

        static Cell of(String text) {
            return new Cell(text, null);
        }
    }

    private final ComparisonState comparison;

    /** @param comparison the comparison in force (inactive outside Compare mode) */
    public TreeColumnText(ComparisonState comparison) {
        this.comparison = comparison;
    }

    public Cell type(LayerNode n) {
        ComparisonState.Sides s = comparison.sides(n);
        if (s == null || n.kind() == LayerNode.Kind.VALUE) {
            return Cell.of(typeOf(n, n.aggregate()));
        }
        return both(typeOf(n, s.a()), typeOf(n, s.b()));
    }

    public Cell shape(LayerNode n) {
        if (n.tensor().isPresent()) {
            long[] shape = n.tensor().get().shape();
            TensorRef b = comparison.counterpart(n);
            if (b == null) {
                String exact = Formats.shape(shape);
                String compact = compactShape(shape);
                return compact.equals(exact) ? Cell.of(exact) : new Cell(compact, exact);
            }
            return both(compactShape(shape), compactShape(b.shape()));
        }
        if (n.kind() == LayerNode.Kind.VALUE) {
            String v = n.value().map(ValueText::shortText).orElse("");
            return new Cell(v, v);
        }
        ComparisonState.Sides s = comparison.sides(n);
        if (s == null) {
            return Cell.of(contents(n, n.aggregate().tensors()));
        }
        String a = contents(n, s.a().tensors());
        String b = contents(n, s.b().tensors());
        Cell cell = both(a, b);
        String unitA = a.substring(a.indexOf(' '));
        String unitB = b.substring(b.indexOf(' '));
        // "11 → 10 tensors": the counts' unit once, so that the column stays narrow.
        return cell.exact() == null || !unitA.replace("s", "").equals(unitB.replace("s", "")) ? cell
                : new Cell(a.substring(0, a.indexOf(' ')) + ARROW + b, cell.exact());
    }

    public Cell parameters(LayerNode n) {
        return number(n, Aggregate::parameters, Formats::compactCount, Formats::count, " parameters");
    }

    public Cell bytes(LayerNode n) {
        return number(n, Aggregate::bytes, Formats::bytes, b -> Formats.count(b), " bytes");
    }

    /** The update verdict of a row in Compare mode ({@code low-rank (rank 4)}); empty elsewhere. */
    public Cell verdict(LayerNode n) {
        String v = comparison.verdict(n);
        return v == null ? Cell.EMPTY : Cell.of(v);
    }

    private Cell number(LayerNode n, Function<Aggregate, Long> value, Function<Long, String> compact,
            Function<Long, String> exact, String unit) {
        if (n.aggregate().tensors() == 0 && comparison.sides(n) == null) {
            return Cell.EMPTY;
        }
        ComparisonState.Sides s = comparison.sides(n);
        if (s == null) {
            long v = value.apply(n.aggregate());
            return new Cell(compact.apply(v), exact.apply(v) + unit);
        }
        String a = s.a().tensors() == 0 ? "—" : compact.apply(value.apply(s.a()));
        String b = s.b().tensors() == 0 ? "—" : compact.apply(value.apply(s.b()));
        String exactA = s.a().tensors() == 0 ? "none" : exact.apply(value.apply(s.a())) + unit;
        String exactB = s.b().tensors() == 0 ? "none" : exact.apply(value.apply(s.b())) + unit;
        return exactA.equals(exactB) ? new Cell(a, exactA) : new Cell(a + ARROW + b, "A: " + exactA + "\nB: " + exactB);
    }

    /** One value where the sides agree, {@code a → b} where they differ. */
    private static Cell both(String a, String b) {
        return a.equals(b) ? Cell.of(a) : new Cell(a + ARROW + b, "A: " + a + "\nB: " + b);
    }

    private static String typeOf(LayerNode n, Aggregate a) {
        return switch (n.kind()) {
            case TENSOR -> a.byDType().isEmpty() ? "—" : a.byDType().keySet().iterator().next().torchName();
            case MODULE -> single(a.byDType()) != null ? single(a.byDType()).torchName()
                    : a.tensors() == 0 ? "—" : "module";
            default -> n.typeName();
        };
    }

    private static DType single(Map<DType, DTypeTotals> byDType) {
        return byDType.size() == 1 ? byDType.keySet().iterator().next() : null;
    }

    /**
     * A shape with its dimensions of eight digits or more in compact units ({@code [4.29 B, 4.29 B]}): only a
     * damaged file's impossible shapes have such, and a column as wide as their digits would push the others out
     * of view.
     */
    private static String compactShape(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(Math.abs(shape[i]) >= 10_000_000
                    ? Formats.compactCount(shape[i]) : Long.toString(shape[i]));
        }
        return b.append(']').toString();
    }

    private static String contents(LayerNode n, long tensors) {
        int items = n.children().size();
        return tensors == 0 && n.aggregate().tensors() == 0 ? items + (items == 1 ? " item" : " items")
                : tensors + (tensors == 1 ? " tensor" : " tensors");
    }
}
