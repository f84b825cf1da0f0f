package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;

/**
 * One row of the layer tree: a module (a dotted key prefix), a container of the checkpoint's object tree
 * ({@code state_dict}, {@code optimizer_states}), a tensor, or a plain value such as {@code epoch}.
 */
public final class LayerNode {

    /** What a row stands for. */
    public enum Kind { ROOT, MODULE, CONTAINER, TENSOR, VALUE }

    private final String name;
    private final String key;
    private final LayerNode parent;
    private final List<LayerNode> children = new ArrayList<>();
    private Kind kind;
    private TensorRef tensor;
    private PyValue value;
    private String typeName = "";
    private Aggregate aggregate = Aggregate.EMPTY;

    LayerNode(String name, String key, LayerNode parent, Kind kind) {
        this.name = name;
        this.key = key;
        this.parent = parent;
        this.kind = kind;
    }

    /** The last key segment ({@code weight}). */
    public String name() {
        return name;
    }

    /** The full dotted key ({@code model.fc1.weight}); empty for the root. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public Optional<LayerNode> parent() {
        return Optional.ofNullable(parent);
    }

    public List<LayerNode> children() {
        return Collections.unmodifiableList(children);
    }

    public boolean isLeaf() {
        return children.isEmpty();
    }

    /** The tensor of a TENSOR row. */
    public Optional<TensorRef> tensor() {
        return Optional.ofNullable(tensor);
    }

    /** The Python value of a VALUE row (or the container's value). */
    public Optional<PyValue> value() {
        return Optional.ofNullable(value);
    }

    /** The Python type of a container or value ({@code dict}, {@code list[3]}, {@code argparse.Namespace}). */
    public String typeName() {
        return typeName;
    }

    /** Totals over the tensors at or below this row. */
    public Aggregate aggregate() {
        return aggregate;
    }

    /** Every tensor at or below this row, in tree order. */
    public List<TensorRef> tensorsBelow() {
        List<TensorRef> out = new ArrayList<>();
        collect(this, out);
        return out;
    }

    /** The first row at or below this one, in tree order, that passes {@code test}. */
    public Optional<LayerNode> find(java.util.function.Predicate<LayerNode> test) {
        if (test.test(this)) {
            return Optional.of(this);
        }
        for (LayerNode c : children) {
            Optional<LayerNode> f = c.find(test);
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    private static void collect(LayerNode n, List<TensorRef> out) {
        if (n.tensor != null) {
            out.add(n.tensor);
        }
        for (LayerNode c : n.children) {
            collect(c, out);
        }
    }

    LayerNode child(String childName) {
        for (int i = children.size() - 1; i >= 0; i--) {
            LayerNode c = children.get(i);
            if (c.name.equals(childName) && c.tensor == null) {
                return c;
            }
        }
        return null;
    }

    /** A root without children, for rows shown before any file is open. */
    public static LayerNode emptyRoot() {
        return new LayerNode("", "", null, Kind.ROOT);
    }

    /** A placeholder row below this one, for rows shown before any file is open. */
    public LayerNode addPlaceholder(String childName, Kind childKind) {
        return addChild(childName, childKind);
    }

    LayerNode addChild(String childName, Kind childKind) {
        String childKey = key.isEmpty() && kind == Kind.ROOT ? childName : key + "." + childName;
        LayerNode c = new LayerNode(childName, childKey, this, childKind);
        children.add(c);
        return c;
    }

    /** Places an existing row (made with this node as its parent) at {@code index} among the children. */
    void insertChild(int index, LayerNode c) {
        children.add(index, c);
    }

    void removeChild(LayerNode c) {
        children.remove(c);
    }

    void setKind(Kind k) {
        kind = k;
    }

    void setTensor(TensorRef t) {
        tensor = t;
        kind = Kind.TENSOR;
        typeName = t.dtype().torchName();
    }

    void setValue(PyValue v, String type) {
        value = v;
        typeName = type;
    }

    void setAggregate(Aggregate a) {
        aggregate = a;
    }

    @Override
    public String toString() {
        return key.isEmpty() ? "(root)" : key;
    }
}
