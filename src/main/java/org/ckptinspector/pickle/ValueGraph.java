package org.ckptinspector.pickle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.model.PyValue;

/** Structure of an unpickled value graph, computed without recursion (graphs may be deep, shared or cyclic). */
public final class ValueGraph {
    private ValueGraph() {}

    /** The values directly inside {@code v}: items, dict keys and values, object arguments, state and items. */
    public static List<PyValue> children(PyValue v) {
        List<PyValue> out = new ArrayList<>();
        if (v instanceof PyValue.Tuple t) {
            out.addAll(t.items());
        } else if (v instanceof PyValue.PyList l) {
            out.addAll(l.items());
        } else if (v instanceof PyValue.Dict d) {
            for (Map.Entry<PyValue, PyValue> e : d.entries().entrySet()) {
                out.add(e.getKey());
                out.add(e.getValue());
            }
            out.addAll(d.attributes().values());
        } else if (v instanceof PyValue.Obj o) {
            out.add(o.cls());
            out.add(o.args());
            out.add(o.state());
            out.addAll(o.listItems());
            for (Map.Entry<PyValue, PyValue> e : o.dictItems().entrySet()) {
                out.add(e.getKey());
                out.add(e.getValue());
            }
        }
        return out;
    }

    /**
     * True when {@code key} can be hashed and compared safely: tuples (which hash recursively) nest at most
     * {@link PickleLimits#MAX_KEY_DEPTH} levels. Other containers hash by identity.
     */
    public static boolean isSafeKey(PyValue key) {
        Deque<PyValue> todo = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        todo.push(key);
        depths.push(0);
        long seen = 0;
        while (!todo.isEmpty()) {
            PyValue v = todo.pop();
            int depth = depths.pop();
            if (v instanceof PyValue.Tuple t) {
                if (depth >= PickleLimits.MAX_KEY_DEPTH || (seen += t.size()) > PickleLimits.MAX_OBJECTS) {
                    return false;
                }
                for (PyValue item : t.items()) {
                    todo.push(item);
                    depths.push(depth + 1);
                }
            }
        }
        return true;
    }

    /** A short description of a value for messages; never recurses (a value may be deep or cyclic). */
    public static String describe(PyValue v) {
        if (v instanceof PyValue.Str s) {
            return s.value().length() > 40 ? "'" + s.value().substring(0, 40) + "…'" : "'" + s.value() + "'";
        }
        if (v instanceof PyValue.Int || v instanceof PyValue.Bool || v instanceof PyValue.Float
                || v instanceof PyValue.Global || v instanceof PyValue.None) {
            return String.valueOf(v instanceof PyValue.Int i ? i.value() : v instanceof PyValue.Bool b ? b.value()
                    : v instanceof PyValue.Float f ? f.value() : v instanceof PyValue.Global g ? g.qualifiedName()
                    : "None");
        }
        if (isContainer(v)) {
            return "a " + v.typeName() + " of " + (children(v).size()) + " values";
        }
        return "a " + v.typeName();
    }

    /** True for values that can hold other values. */
    public static boolean isContainer(PyValue v) {
        return v instanceof PyValue.Tuple || v instanceof PyValue.PyList || v instanceof PyValue.Dict
                || v instanceof PyValue.Obj;
    }

    /**
     * The number of container levels on the longest path from {@code root} down to a leaf, not following a
     * reference back into the path being walked (a cycle). Stops counting once {@code limit} is exceeded and
     * returns {@code limit + 1}.
     */
    public static int height(PyValue root, int limit) {
        if (!isContainer(root)) {
            return 0;
        }
        Map<PyValue, Integer> done = new IdentityHashMap<>();
        Set<PyValue> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(root));
        onPath.add(root);
        int result = 0;
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (stack.size() > limit) {
                return limit + 1;
            }
            if (f.next < f.children.size()) {
                PyValue c = f.children.get(f.next++);
                if (!isContainer(c) || onPath.contains(c)) {
                    continue;
                }
                Integer h = done.get(c);
                if (h != null) {
                    f.height = Math.max(f.height, h);
                    continue;
                }
                stack.push(new Frame(c));
                onPath.add(c);
                continue;
            }
            stack.pop();
            onPath.remove(f.value);
            int h = f.height + 1;
            done.put(f.value, h);
            if (stack.isEmpty()) {
                result = h;
            } else {
                stack.peek().height = Math.max(stack.peek().height, h);
            }
        }
        return result;
    }

    private static final class Frame {
        final PyValue value;
        final List<PyValue> children;
        int next;
        int height;

        Frame(PyValue value) {
            this.value = value;
            this.children = children(value);
        }
    }
}
