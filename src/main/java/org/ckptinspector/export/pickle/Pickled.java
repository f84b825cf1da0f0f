package org.ckptinspector.export.pickle;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A value to pickle for torch's {@code weights_only} unpickler: only the shapes of value that 1.13's restricted
 * unpickler accepts, plus {@link Float} (2.x only) for quantization scales.
 */
public sealed interface Pickled {

    /** A str, written as BINUNICODE. */
    record Str(String value) implements Pickled {}

    /** An int, written as BININT1/BININT2/BININT or LONG1. */
    record Int(long value) implements Pickled {}

    /** A bool. */
    record Bool(boolean value) implements Pickled {}

    /** None. */
    enum None implements Pickled { NONE }

    /** A float (BINFLOAT); torch 1.13's weights_only unpickler refuses it. */
    record Float(double value) implements Pickled {}

    /** A tuple. */
    record Tuple(List<Pickled> items) implements Pickled {
        public Tuple {
            items = List.copyOf(items);
        }

        public static Tuple of(Pickled... items) {
            return new Tuple(List.of(items));
        }
    }

    /** A list. */
    record PyList(List<Pickled> items) implements Pickled {
        public PyList {
            items = List.copyOf(items);
        }
    }

    /** A plain dict literal. */
    record Dict(List<Map.Entry<Pickled, Pickled>> entries) implements Pickled {
        public Dict {
            entries = List.copyOf(entries);
        }
    }

    /** A reference to {@code module.name}, written as GLOBAL and memoised. */
    record Global(String module, String name) implements Pickled {
        // Memo keys of every written pickle; written out for the reason given at PyValue.Int.
        @Override
        public boolean equals(Object o) {
            return o instanceof Global other && Objects.equals(module, other.module)
                    && Objects.equals(name, other.name);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(module) + Objects.hashCode(name);
        }
    }

    /**
     * {@code callable(*args)} (REDUCE), then optional dict items (SETITEMS) and state (BUILD), in the order
     * Python's pickler writes them.
     */
    record Reduce(Pickled callable, Tuple args, List<Map.Entry<Pickled, Pickled>> dictItems, Pickled state)
            implements Pickled {
        public Reduce {
            dictItems = List.copyOf(dictItems);
        }

        public static Reduce call(Pickled callable, Pickled... args) {
            return new Reduce(callable, Tuple.of(args), List.of(), null);
        }
    }

    /** A persistent id: the tuple is written, then BINPERSID. */
    record PersistentId(Tuple id) implements Pickled {}
}
