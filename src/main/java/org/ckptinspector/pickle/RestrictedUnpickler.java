package org.ckptinspector.pickle;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;

/**
 * A pickle interpreter that never calls anything. It runs the stack machine of protocols 0–5 and builds a
 * {@link PyValue} tree: GLOBAL and STACK_GLOBAL push a symbolic {@link PyValue.Global} (each one is recorded with
 * its byte offset), REDUCE/NEWOBJ/INST/OBJ ask a {@link Calls} interpreter for the value of well-known callables
 * and otherwise build an inert {@link PyValue.Obj}, BUILD stores state, and persistent ids go to a
 * {@link PersistentLoader}. Every resource is bounded by {@link PickleLimits}; nothing recurses.
 */
public final class RestrictedUnpickler {

    /** Gives the value of calling a known global; the unpickler itself knows none. */
    @FunctionalInterface
    public interface Calls {
        /**
         * The value of {@code callable(*args)}, or null when the callable is not one this interpreter knows (the
         * unpickler then builds an inert object).
         */
        PyValue call(PyValue.Global callable, PyValue.Tuple args) throws CheckpointException;

        /** Asks {@code this}, then {@code next} when this one does not know the callable. */
        default Calls orElse(Calls next) {
            return (callable, args) -> {
                PyValue v = call(callable, args);
                return v != null ? v : next.call(callable, args);
            };
        }
    }

    /** Resolves persistent ids (PERSID, BINPERSID) to values, e.g. torch's storage tuples to storages. */
    @FunctionalInterface
    public interface PersistentLoader {
        PyValue load(PyValue pid, long offset) throws CheckpointException;
    }

    /** The unpickled value, the globals the pickle named, and where the pickle ended. */
    public record Result(PyValue value, List<GlobalRef> globals, long end) {}

    private static final PyValue.Int[] SMALL_INTS = new PyValue.Int[1 + 1024 + 1];
    private static final Object MARK = new Object();
    /** Heap bytes of a memo entry (HashMap node and boxed key), a list slot and a dict entry. */
    private static final long MEMO_ENTRY_BYTES = 64;
    /** Shared, so that a list of a million bools costs list slots only. */
    private static final PyValue.Bool TRUE = new PyValue.Bool(true);
    private static final PyValue.Bool FALSE = new PyValue.Bool(false);
    private static final long SLOT_BYTES = 16;
    private static final long ENTRY_BYTES = 48;

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = PyValue.Int.of(i - 1);
        }
    }

    private final String record;
    private final String source;
    private final Calls calls;
    private final PersistentLoader loader;

    private final List<PyValue> stack = new ArrayList<>();
    private int[] marks = new int[64];
    private int markCount;
    private final Map<Long, PyValue> memo = new HashMap<>();
    private final List<GlobalRef> globals = new ArrayList<>();
    private long objects;
    private long payloadBytes;
    private long valueBytes;
    private long offset;

    /**
     * @param record how the globals name this pickle ({@code archive/data.pkl}, {@code pickle 4})
     * @param source how error messages name it ({@code model.pt, record archive/data.pkl})
     * @param calls the callables it may interpret
     * @param loader resolves persistent ids; null when the pickle must not contain any
     */
    public RestrictedUnpickler(String record, String source, Calls calls, PersistentLoader loader) {
        this.record = record;
        this.source = source;
        this.calls = calls;
        this.loader = loader;
    }

    /** Unpickles one pickle starting at the beginning of {@code input}; the input may continue after STOP. */
    public Result load(ByteRegion input) throws CheckpointException {
        PickleReader reader = new PickleReader(input, source);
        PyValue result = null;
        while (reader.hasNext()) {
            PickleOp op = reader.next();
            offset = op.offset();
            result = execute(op);
        }
        int height = ValueGraph.height(result, PickleLimits.MAX_DEPTH);
        if (height > PickleLimits.MAX_DEPTH) {
            throw limit("containers nested deeper than " + PickleLimits.MAX_DEPTH + " levels");
        }
        return new Result(result, List.copyOf(globals), reader.position());
    }

    /** Runs one opcode; returns the pickle's value when the opcode is STOP. */
    private PyValue execute(PickleOp op) throws CheckpointException {
        switch (op.opcode()) {
            case PROTO -> {
                if (op.longArg() > 5) {
                    throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, source + ": pickle protocol "
                            + op.longArg() + " is newer than the newest known (5)");
                }
            }
            case FRAME -> {
                // frames only group opcodes for buffered reading
            }
            case STOP -> {
                return pop();
            }
            case MARK -> {
                if (markCount >= PickleLimits.MAX_STACK) {
                    throw limit("more than " + PickleLimits.MAX_STACK + " nested MARKs");
                }
                if (markCount == marks.length) {
                    marks = java.util.Arrays.copyOf(marks, marks.length * 2);
                }
                marks[markCount++] = stack.size();
            }
            case POP -> {
                // CPython's load_pop: the topmost MARK goes when nothing was pushed after it, whatever lies below
                if (markCount > 0 && stack.size() == marks[markCount - 1]) {
                    popMark();
                } else {
                    pop();
                }
            }
            case POP_MARK -> popMark();
            case DUP -> push(peek());
            case NONE -> push(PyValue.None.NONE);
            case NEWTRUE -> push(TRUE);
            case NEWFALSE -> push(FALSE);
            case BININT, BININT1, BININT2 -> push(integer(op.longArg()));
            case LONG1, LONG4, LONG -> push(integer(op.bigIntArg()));
            case INT -> push(op.argument() instanceof Boolean b ? created(new PyValue.Bool(b))
                    : integer(op.bigIntArg()));
            case BINFLOAT, FLOAT -> push(created(new PyValue.Float(op.doubleArg())));
            case BINUNICODE, SHORT_BINUNICODE, BINUNICODE8, UNICODE -> push(text(op.textArg()));
            case SHORT_BINSTRING, BINSTRING -> push(text(latin1(op.bytesArg())));
            case STRING -> push(text(new String((byte[]) op.argument(), StandardCharsets.ISO_8859_1)));
            case BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8 -> push(bytes(op.bytesArg()));
            case EMPTY_TUPLE -> push(created(PyValue.Tuple.of()));
            case TUPLE -> push(created(new PyValue.Tuple(popMark())));
            case TUPLE1 -> push(created(PyValue.Tuple.of(pop())));
            case TUPLE2 -> {
                PyValue b = pop();
                push(created(PyValue.Tuple.of(pop(), b)));
            }
            case TUPLE3 -> {
                PyValue c = pop();
                PyValue b = pop();
                push(created(PyValue.Tuple.of(pop(), b, c)));
            }
            case EMPTY_LIST -> push(created(new PyValue.PyList()));
            case LIST -> push(created(new PyValue.PyList(popMark())));
            case EMPTY_DICT -> push(created(new PyValue.Dict()));
            case DICT -> {
                PyValue.Dict d = new PyValue.Dict();
                putPairs(d, popMark());
                push(created(d));
            }
            case EMPTY_SET -> push(created(new PyValue.Dict("set")));
            case FROZENSET -> {
                PyValue.Dict s = new PyValue.Dict("frozenset");
                for (PyValue v : popMark()) {
                    s.put(hashed(v), PyValue.None.NONE);
                }
                push(created(s));
            }
            case APPEND -> {
                PyValue v = pop();
                append(peek(), List.of(v));
            }
            // APPENDS, SETITEMS and ADDITEMS with nothing after the MARK leave their target as it is: CPython's
            // do_append, do_setitems and load_additems return before they look at what it is.
            case APPENDS -> {
                List<PyValue> items = popMark();
                PyValue target = peek();
                if (!items.isEmpty()) {
                    append(target, items);
                }
            }
            case SETITEM -> {
                PyValue v = pop();
                PyValue k = pop();
                setItems(peek(), List.of(k, v));
            }
            case SETITEMS -> {
                List<PyValue> items = popMark();
                PyValue target = peek();
                if (!items.isEmpty()) {
                    setItems(target, items);
                }
            }
            case ADDITEMS -> {
                List<PyValue> items = popMark();
                PyValue target = peek();
                if (!items.isEmpty()) {
                    addItems(target, items);
                }
            }
            case GLOBAL -> push(global(op.globalArg().module(), op.globalArg().name()));
            case STACK_GLOBAL -> {
                PyValue name = pop();
                PyValue module = pop();
                if (!(module instanceof PyValue.Str m) || !(name instanceof PyValue.Str n)) {
                    throw corrupt("STACK_GLOBAL needs two strings, got " + module.typeName() + " and "
                            + name.typeName());
                }
                push(global(m.value(), n.value()));
            }
            case REDUCE -> {
                PyValue args = pop();
                PyValue callable = pop();
                push(call(callable, asArgs(args, "REDUCE")));
            }
            case NEWOBJ -> {
                PyValue args = pop();
                PyValue cls = pop();
                push(call(cls, asArgs(args, "NEWOBJ")));
            }
            case NEWOBJ_EX -> {
                PyValue kwargs = pop();
                PyValue args = pop();
                PyValue cls = pop();
                PyValue obj = call(cls, asArgs(args, "NEWOBJ_EX"));
                if (obj instanceof PyValue.Obj o && kwargs instanceof PyValue.Dict kw) {
                    kw.entries().forEach(o::putDictItem);
                }
                push(obj);
            }
            case INST -> {
                List<PyValue> args = popMark();
                PyValue cls = global(op.globalArg().module(), op.globalArg().name());
                push(call(cls, new PyValue.Tuple(args)));
            }
            case OBJ -> {
                List<PyValue> items = popMark();
                if (items.isEmpty()) {
                    throw corrupt("OBJ without a class");
                }
                push(call(items.get(0), new PyValue.Tuple(items.subList(1, items.size()))));
            }
            case BUILD -> {
                PyValue state = pop();
                build(peek(), state);
            }
            case PUT, BINPUT, LONG_BINPUT -> memoize(op.bigIntArg().longValue());
            case MEMOIZE -> memoize(memo.size());
            case GET, BINGET, LONG_BINGET -> {
                long key = op.bigIntArg().longValue();
                PyValue v = memo.get(key);
                if (v == null) {
                    throw corrupt(op.opcode() + " refers to memo entry " + key + ", which was never stored");
                }
                push(v);
            }
            case PERSID -> push(persistent(text(op.textArg())));
            case BINPERSID -> push(persistent(pop()));
            case EXT1, EXT2, EXT4 -> throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, source
                    + ": " + op.opcode() + " at offset " + offset + " uses the copyreg extension registry, which "
                    + "checkpoints never use");
            case NEXT_BUFFER -> throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, source
                    + ": NEXT_BUFFER at offset " + offset + " needs an out-of-band buffer the file cannot carry");
            // Marks the top buffer read-only, nothing to do for an inert value; but CPython takes a memoryview
            // of the top value first, which fails on an empty stack and on a value that is no buffer.
            case READONLY_BUFFER -> {
                PyValue top = peek();
                if (!mayBeBuffer(top)) {
                    throw corrupt("READONLY_BUFFER at offset " + offset + " on a " + top.typeName()
                            + ", which is no bytes-like object");
                }
            }
            default -> throw new AssertionError(op.opcode());
        }
        return null;
    }

    private PyValue global(String module, String name) throws CheckpointException {
        globals.add(new GlobalRef(module, name, record, offset));
        return created(new PyValue.Global(module, name));
    }

    private PyValue call(PyValue callable, PyValue.Tuple args) throws CheckpointException {
        if (callable instanceof PyValue.Global g) {
            PyValue v = calls.call(g, args);
            if (v != null) {
                return created(v);
            }
        }
        return created(new PyValue.Obj(callable, args));
    }

    private PyValue.Tuple asArgs(PyValue args, String opcode) throws CheckpointException {
        if (args instanceof PyValue.Tuple t) {
            return t;
        }
        if (args instanceof PyValue.None) {
            return PyValue.Tuple.of();
        }
        throw corrupt(opcode + " needs an argument tuple, got " + args.typeName());
    }

    private PyValue persistent(PyValue pid) throws CheckpointException {
        if (loader == null) {
            throw corrupt("persistent id at offset " + offset + " in a pickle that must not have any");
        }
        return loader.load(pid, offset);
    }

    /** BUILD: sets an object's state; attributes for dicts (OrderedDict's {@code _metadata}). */
    private void build(PyValue target, PyValue state) throws CheckpointException {
        if (isBuiltinWithoutState(target)) {
            // CPython's default __setstate__: state, or (state, slotstate), must set nothing on such a value
            PyValue attrs = state instanceof PyValue.Tuple t && t.size() == 2 ? t.get(0) : state;
            PyValue slots = state instanceof PyValue.Tuple t && t.size() == 2 ? t.get(1) : null;
            boolean none = attrs == PyValue.None.NONE && (slots == null || slots instanceof PyValue.Dict s
                    && !s.className().endsWith("set") && s.entries().isEmpty());
            if (!none) {
                throw corrupt("BUILD at offset " + offset + " sets state on a " + target.typeName()
                        + ", which has no __dict__ to take it");
            }
            return;
        }
        if (target instanceof PyValue.Obj o) {
            if (o.state() instanceof PyValue.Dict old && state instanceof PyValue.Dict add) {
                PyValue.Dict merged = new PyValue.Dict();
                old.entries().forEach(merged::put);
                add.entries().forEach(merged::put);
                o.setState(merged);
            } else {
                o.setState(state);
            }
        } else if (target instanceof PyValue.Dict d) {
            PyValue attrs = state instanceof PyValue.Tuple t && t.size() == 2 ? t.get(0) : state;
            if (attrs instanceof PyValue.Dict a) {
                for (Map.Entry<PyValue, PyValue> e : a.entries().entrySet()) {
                    if (e.getKey() instanceof PyValue.Str k) {
                        d.setAttribute(k.value(), e.getValue());
                    }
                }
            }
        }
        // BUILD on other values (a tensor's old-style state) has nothing inert to keep it in.
    }

    /** A value of a built-in type with neither {@code __dict__} nor {@code __setstate__}. */
    private static boolean isBuiltinWithoutState(PyValue v) {
        return v instanceof PyValue.None || v instanceof PyValue.Bool || v instanceof PyValue.Int
                || v instanceof PyValue.Float || v instanceof PyValue.Complex || v instanceof PyValue.Str
                || v instanceof PyValue.Bytes || v instanceof PyValue.Tuple || v instanceof PyValue.PyList
                || v instanceof PyValue.Dict d && List.of("dict", "set", "frozenset").contains(d.className());
    }

    /** False for the values whose memoryview CPython refuses; what a call made may be an array, so it passes. */
    private static boolean mayBeBuffer(PyValue v) {
        return v instanceof PyValue.Bytes || v instanceof PyValue.Obj || v instanceof PyValue.Tensor
                || v instanceof PyValue.StorageValue;
    }

    private void append(PyValue target, List<PyValue> items) throws CheckpointException {
        charge(SLOT_BYTES * items.size());
        if (target instanceof PyValue.PyList l) {
            items.forEach(l::add);
        } else if (target instanceof PyValue.Obj o) {
            items.forEach(o::addListItem);
        } else {
            throw corrupt("APPEND on a " + target.typeName() + ", not a list");
        }
    }

    /** CPython adds to a set in place; a frozenset has no add. */
    private void addItems(PyValue target, List<PyValue> items) throws CheckpointException {
        if (!(target instanceof PyValue.Dict set && set.className().equals("set"))) {
            throw corrupt("ADDITEMS on a " + target.typeName() + ", not a set");
        }
        for (PyValue v : items) {
            set.put(hashed(v), PyValue.None.NONE);
        }
    }

    private void setItems(PyValue target, List<PyValue> items) throws CheckpointException {
        if (items.size() % 2 != 0) {
            throw corrupt("SETITEMS with an odd number of items");
        }
        if (target instanceof PyValue.Dict d && !d.className().endsWith("set")) {
            putPairs(d, items);
        } else if (target instanceof PyValue.Obj o) {
            for (int i = 0; i < items.size(); i += 2) {
                o.putDictItem(key(items.get(i)), items.get(i + 1));
            }
        } else {
            throw corrupt("SETITEM on a " + target.typeName() + ", not a dict");
        }
    }

    private void putPairs(PyValue.Dict d, List<PyValue> items) throws CheckpointException {
        if (items.size() % 2 != 0) {
            throw corrupt("a dict needs key/value pairs, got an odd number of items");
        }
        charge(ENTRY_BYTES * (items.size() / 2));
        for (int i = 0; i < items.size(); i += 2) {
            d.put(hashed(items.get(i)), items.get(i + 1));
        }
    }

    /** A key of a dict or a member of a set, which CPython hashes: a list, dict or set fails, in a tuple too. */
    private PyValue hashed(PyValue k) throws CheckpointException {
        PyValue unhashable = unhashable(key(k));
        if (unhashable != null) {
            throw corrupt("a " + unhashable.typeName() + " as a dict key or set member at offset " + offset
                    + " (unhashable in Python)");
        }
        return k;
    }

    /** The list, dict or set in {@code k} (depth-bounded by {@link #key}), or null. */
    private static PyValue unhashable(PyValue k) {
        if (k instanceof PyValue.PyList || k instanceof PyValue.Dict d && !d.className().equals("frozenset")) {
            return k;
        }
        if (k instanceof PyValue.Tuple t) {
            for (PyValue item : t.items()) {
                PyValue u = unhashable(item);
                if (u != null) {
                    return u;
                }
            }
        }
        return null;
    }

    /** A dict key or set member, refused when hashing it could exhaust the stack. */
    private PyValue key(PyValue k) throws CheckpointException {
        if (!ValueGraph.isSafeKey(k)) {
            throw limit("a dict key or set member with tuples nested deeper than " + PickleLimits.MAX_KEY_DEPTH
                    + " levels");
        }
        return k;
    }

    private void memoize(long key) throws CheckpointException {
        if (memo.size() >= PickleLimits.MAX_MEMO && !memo.containsKey(key)) {
            throw limit("more than " + PickleLimits.MAX_MEMO + " memo entries");
        }
        if (memo.put(key, peek()) == null) {
            charge(MEMO_ENTRY_BYTES);
        }
    }

    private PyValue integer(long v) throws CheckpointException {
        if (v >= -1 && v < SMALL_INTS.length - 1) {
            return SMALL_INTS[(int) v + 1];
        }
        return created(PyValue.Int.of(v));
    }

    private PyValue integer(BigInteger v) throws CheckpointException {
        return v.bitLength() < 63 ? integer(v.longValue()) : created(new PyValue.Int(v));
    }

    private PyValue text(String s) throws CheckpointException {
        payload(s.length());
        return created(new PyValue.Str(s));
    }

    private PyValue bytes(ByteRegion region) throws CheckpointException {
        payload(region.length());
        return created(new PyValue.Bytes(copy(region)));
    }

    private String latin1(ByteRegion region) throws CheckpointException {
        payload(region.length());
        return new String(copy(region), StandardCharsets.ISO_8859_1);
    }

    private byte[] copy(ByteRegion region) throws CheckpointException {
        try {
            ByteBuffer b = region.slice(0, (int) region.length());
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (java.io.IOException e) {
            throw CheckpointException.io(source, e);
        }
    }

    private void payload(long n) throws CheckpointException {
        payloadBytes += n;
        if (payloadBytes > PickleLimits.MAX_PAYLOAD_BYTES) {
            throw limit("strings and bytes total more than " + PickleLimits.MAX_PAYLOAD_BYTES + " bytes");
        }
    }

    private <T extends PyValue> T created(T v) throws CheckpointException {
        if (++objects > PickleLimits.MAX_OBJECTS) {
            throw limit("more than " + PickleLimits.MAX_OBJECTS + " values");
        }
        charge(footprint(v));
        return v;
    }

    /** Counts {@code bytes} of estimated heap against {@link PickleLimits#MAX_VALUE_BYTES}. */
    private void charge(long bytes) throws CheckpointException {
        valueBytes += bytes;
        if (valueBytes > PickleLimits.MAX_VALUE_BYTES) {
            throw limit("values that would take more than " + (PickleLimits.MAX_VALUE_BYTES >> 20) + " MiB of "
                    + "memory");
        }
    }

    /** A value's rough heap size on a 64-bit JVM: object headers, its maps or lists, its characters. */
    private static long footprint(PyValue v) {
        if (v instanceof PyValue.Str s) {
            return 56 + 2L * s.value().length();
        }
        if (v instanceof PyValue.Bytes b) {
            return 32 + b.length();
        }
        if (v instanceof PyValue.Dict || v instanceof PyValue.Obj) {
            return 200;
        }
        if (v instanceof PyValue.Tuple t) {
            return 40 + 8L * t.size();
        }
        return 72;
    }

    private void push(PyValue v) throws CheckpointException {
        if (stack.size() >= PickleLimits.MAX_STACK) {
            throw limit("more than " + PickleLimits.MAX_STACK + " values on the unpickling stack");
        }
        stack.add(v);
    }

    private PyValue pop() throws CheckpointException {
        int floor = markCount == 0 ? 0 : marks[markCount - 1];
        if (stack.size() <= floor) {
            throw corrupt("stack underflow at offset " + offset + " (a corrupt or truncated pickle)");
        }
        return stack.remove(stack.size() - 1);
    }

    private PyValue peek() throws CheckpointException {
        int floor = markCount == 0 ? 0 : marks[markCount - 1];
        if (stack.size() <= floor) {
            throw corrupt("stack underflow at offset " + offset + " (a corrupt or truncated pickle)");
        }
        return stack.get(stack.size() - 1);
    }

    /** Removes and returns the values above the topmost MARK. */
    private List<PyValue> popMark() throws CheckpointException {
        if (markCount == 0) {
            throw corrupt("an opcode at offset " + offset + " needs a MARK but there is none");
        }
        int at = marks[--markCount];
        List<PyValue> top = stack.subList(at, stack.size());
        List<PyValue> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private CheckpointException corrupt(String reason) {
        return new CheckpointException(CheckpointException.Kind.CORRUPT, source + ": " + reason
                + (reason.contains("offset") ? "" : " (offset " + offset + ")"));
    }

    private CheckpointException limit(String reason) {
        return new CheckpointException(CheckpointException.Kind.LIMIT_EXCEEDED, source + ": the pickle has "
                + reason + ", beyond this reader's limit (offset " + offset + ")");
    }
}
