package org.ckptinspector.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A non-executing model of the Python objects a checkpoint holds. Nothing here can run code: a class the file
 * names is a {@link Global} reference, and an object of an unknown class is an inert {@link Obj} whose
 * constructor arguments and state can be browsed. Readers that are not pickle-based (safetensors) use the same
 * values for their metadata.
 */
public sealed interface PyValue {

    /** A short type name for display ({@code int}, {@code OrderedDict}, {@code __main__.Net}). */
    String typeName();

    /**
     * A dict key as it names a path element: strings as they are, other keys in their Python spelling
     * ({@code 3}, {@code True}, {@code None}, {@code (1, 2)}). Readers bound how deeply keys nest, so the
     * recursion over tuple keys stays shallow.
     */
    static String keyText(PyValue key) {
        if (key instanceof Str s) {
            return s.value();
        }
        if (key instanceof Int i) {
            return i.value().toString();
        }
        if (key instanceof Bool b) {
            return b.value() ? "True" : "False";
        }
        if (key instanceof None) {
            return "None";
        }
        if (key instanceof Float f) {
            return Double.toString(f.value());
        }
        if (key instanceof Tuple t) {
            java.util.StringJoiner j = new java.util.StringJoiner(", ", "(", t.size() == 1 ? ",)" : ")");
            t.items().forEach(item -> j.add(keyText(item)));
            return j.toString();
        }
        return "<" + key.typeName() + ">";
    }

    /** Python's None. */
    enum None implements PyValue {
        NONE;

        @Override
        public String typeName() {
            return "NoneType";
        }
    }

    /** A bool. */
    record Bool(boolean value) implements PyValue {
        @Override
        public String typeName() {
            return "bool";
        }
    }

    /** An int of any size. */
    record Int(BigInteger value) implements PyValue {
        public static Int of(long v) {
            return new Int(BigInteger.valueOf(v));
        }

        /** The value as a long; throws ArithmeticException when it does not fit. */
        public long longValue() {
            return value.longValueExact();
        }

        @Override
        public String typeName() {
            return "int";
        }

        // Dict keys in every pickle. Written out: a record's generated equals and hashCode are bootstrapped through
        // java.lang.runtime.ObjectMethods on first use, which slows every command-line start.
        @Override
        public boolean equals(Object o) {
            return o instanceof Int other && Objects.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(value);
        }
    }

    /** A float (a C double). */
    record Float(double value) implements PyValue {
        @Override
        public String typeName() {
            return "float";
        }
    }

    /** A complex number. */
    record Complex(double real, double imag) implements PyValue {
        @Override
        public String typeName() {
            return "complex";
        }
    }

    /** A str. */
    record Str(String value) implements PyValue {
        @Override
        public String typeName() {
            return "str";
        }

        // Written out for the reason given at Int.
        @Override
        public boolean equals(Object o) {
            return o instanceof Str other && Objects.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(value);
        }
    }

    /** A bytes or bytearray value. */
    record Bytes(byte[] value) implements PyValue {
        public Bytes {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        public int length() {
            return value.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bytes[" + value.length + "]";
        }

        @Override
        public String typeName() {
            return "bytes";
        }
    }

    /** A tuple. */
    record Tuple(List<PyValue> items) implements PyValue {
        public Tuple {
            items = List.copyOf(items);
        }

        public static Tuple of(PyValue... items) {
            return new Tuple(List.of(items));
        }

        public int size() {
            return items.size();
        }

        public PyValue get(int i) {
            return items.get(i);
        }

        @Override
        public String toString() {
            // Never print the items: a hostile file can nest tuples thousands of levels deep.
            return "tuple(" + items.size() + " items)";
        }

        @Override
        public String typeName() {
            return "tuple";
        }
    }

    /** A symbolic reference to a Python global ({@code module.name}); never resolved or imported. */
    record Global(String module, String name) implements PyValue {
        public Global {
            Objects.requireNonNull(module);
            Objects.requireNonNull(name);
        }

        /** {@code module.name}. */
        public String qualifiedName() {
            return module + "." + name;
        }

        @Override
        public String typeName() {
            return "global";
        }

        @Override
        public String toString() {
            return qualifiedName();
        }
    }

    /** A tensor found in the object tree. */
    record Tensor(TensorRef ref) implements PyValue {
        @Override
        public String typeName() {
            return "Tensor";
        }
    }

    /** A storage object saved on its own (not through a tensor). */
    record StorageValue(Storage storage) implements PyValue {
        @Override
        public String typeName() {
            return "Storage";
        }
    }

    /**
     * A list. Mutable only while a reader builds it (pickle APPEND arrives after the list is referenced), read-only
     * for everyone else through {@link #items()}.
     */
    final class PyList implements PyValue {
        private final List<PyValue> items = new ArrayList<>();

        public PyList() {}

        public PyList(List<? extends PyValue> initial) {
            items.addAll(initial);
        }

        /** For readers building the value. */
        public void add(PyValue v) {
            items.add(v);
        }

        public List<PyValue> items() {
            return Collections.unmodifiableList(items);
        }

        public int size() {
            return items.size();
        }

        @Override
        public String typeName() {
            return "list";
        }

        @Override
        public String toString() {
            // Never print the items: a hostile file can nest lists deeply or make them contain themselves.
            return "list[" + items.size() + " items]";
        }
    }

    /** A dict (or OrderedDict, Counter, set…) that keeps insertion order. Mutable only for readers. */
    final class Dict implements PyValue {
        private final String className;
        private final LinkedHashMap<PyValue, PyValue> entries = new LinkedHashMap<>();
        private final Map<String, PyValue> attributes = new LinkedHashMap<>();

        /** A plain dict. */
        public Dict() {
            this("dict");
        }

        /** @param className {@code dict}, {@code collections.OrderedDict}, … */
        public Dict(String className) {
            this.className = className;
        }

        /** For readers building the value; a repeated key keeps its first position, as in Python. */
        public void put(PyValue key, PyValue value) {
            entries.put(key, value);
        }

        /** For readers: an attribute set by BUILD, such as OrderedDict's {@code _metadata}. */
        public void setAttribute(String name, PyValue value) {
            attributes.put(name, value);
        }

        public Map<PyValue, PyValue> entries() {
            return Collections.unmodifiableMap(entries);
        }

        public Map<String, PyValue> attributes() {
            return Collections.unmodifiableMap(attributes);
        }

        public PyValue get(String key) {
            return entries.get(new Str(key));
        }

        public int size() {
            return entries.size();
        }

        public String className() {
            return className;
        }

        @Override
        public String typeName() {
            return className.startsWith("collections.") ? className.substring(12) : className;
        }

        @Override
        public String toString() {
            // Never print the entries: a hostile file can nest dicts deeply or make them contain themselves.
            return typeName() + "{" + entries.size() + " entries}";
        }
    }

    /**
     * An object of a class the file names, kept inert: the class reference, the constructor arguments, and the
     * state BUILD would have given it. Never instantiated.
     */
    final class Obj implements PyValue {
        private final PyValue cls;
        private final Tuple args;
        private PyValue state = None.NONE;
        private final List<PyValue> listItems = new ArrayList<>();
        private final LinkedHashMap<PyValue, PyValue> dictItems = new LinkedHashMap<>();

        public Obj(PyValue cls, Tuple args) {
            this.cls = cls;
            this.args = args;
        }

        /** The class or callable, usually a {@link Global}. */
        public PyValue cls() {
            return cls;
        }

        public Tuple args() {
            return args;
        }

        public PyValue state() {
            return state;
        }

        /** For readers: BUILD's state. */
        public void setState(PyValue state) {
            this.state = state;
        }

        /** For readers: APPEND on an object. */
        public void addListItem(PyValue v) {
            listItems.add(v);
        }

        /** For readers: SETITEM on an object. */
        public void putDictItem(PyValue k, PyValue v) {
            dictItems.put(k, v);
        }

        public List<PyValue> listItems() {
            return Collections.unmodifiableList(listItems);
        }

        public Map<PyValue, PyValue> dictItems() {
            return Collections.unmodifiableMap(dictItems);
        }

        /** The attribute dict BUILD set: a dict state, or the first element of a (dict, slots) tuple. */
        public Map<PyValue, PyValue> attributes() {
            if (state instanceof Dict d) {
                return d.entries();
            }
            if (state instanceof Tuple t && t.size() == 2 && t.get(0) instanceof Dict d) {
                return d.entries();
            }
            return Map.of();
        }

        @Override
        public String typeName() {
            return cls instanceof Global g ? g.qualifiedName() : "object";
        }

        @Override
        public String toString() {
            return "<" + typeName() + " object>";
        }
    }
}
