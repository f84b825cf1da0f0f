package org.ckptinspector.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.pickle.MalformedPickle;
import org.ckptinspector.pickle.Opcode;
import org.ckptinspector.pickle.PickleOp;
import org.ckptinspector.pickle.PickleReader;
import org.ckptinspector.task.TaskMonitor;

/**
 * Lists every global a pickle names without interpreting it. It follows the stack and the memo only as far as
 * strings go, which is all STACK_GLOBAL needs, so no string can hide a global: whichever opcode made it
 * (SHORT_BINUNICODE, BINUNICODE8, UNICODE, STRING, BINSTRING, SHORT_BINSTRING, even BINBYTES), however it
 * travelled through BINPUT/BINGET, MEMOIZE or DUP. An operand it cannot follow (the result of a call, a string
 * beyond its budget) makes the STACK_GLOBAL an unresolved global, reported as dangerous, never dropped. GLOBAL,
 * INST, STACK_GLOBAL and the extension codes EXT1/2/4 name globals; OBJ, NEWOBJ, NEWOBJ_EX and REDUCE only call
 * what those named. Byte and text arguments that are themselves pickles or torch zips ({@code pickle.loads},
 * {@code torch.load} payloads) are scanned too, and so is every pickle appended after a record's STOP.
 *
 * <p>The scan stops where CPython's unpickler would fail (unknown opcode, stack underflow, missing memo entry) or
 * where a limit is reached; whatever was found up to there is reported, and the failure is an error of the report,
 * so an incomplete scan never reads as safe.
 */
final class PickleScanner {
    /** Most values and marks on the modelled stack. */
    static final int MAX_STACK = 1_000_000;
    /** Most memo entries followed; beyond it memo reads are unresolved instead of refused. */
    static final int MAX_MEMO = 1_000_000;
    /** Longest string followed as a possible module or global name. */
    static final int MAX_NAME_CHARS = 4096;
    /** Most characters of strings followed per pickle; strings beyond it are unresolved. */
    static final long MAX_FOLLOWED_CHARS = 32L << 20;
    /** Deepest pickle-in-pickle nesting scanned; every level needs a dangerous global to be unpickled. */
    static final int MAX_EMBEDDING_DEPTH = 3;

    /** Scans payloads of other container kinds (a zip passed to torch.load) found inside a pickle. */
    @FunctionalInterface
    interface ContainerPayloads {
        /**
         * Scans {@code payload} into {@code into} when it is a container it knows and returns true; false
         * otherwise.
         */
        boolean scan(ByteRegion payload, String record, ScanCollector into, int depth) throws IOException;
    }

    private static final Object VALUE = new Unresolved("<not a string>");
    private static final Object COMPUTED = new Unresolved("<computed>");
    private static final Object LONG_STRING = new Unresolved("<long string>");
    private static final Object UNTRACKED_MEMO = new Unresolved("<unfollowed memo entry>");
    private static final int CANCEL_CHECK_OPS = 1 << 16;
    private static final int MAX_NAMED = 64;

    private final ScanCollector out;
    private final TaskMonitor monitor;
    private final ContainerPayloads containers;
    private final int depth;

    /**
     * @param depth how deeply the pickles this scanner reads are embedded in other pickles (0 for a record)
     */
    PickleScanner(ScanCollector out, TaskMonitor monitor, ContainerPayloads containers, int depth) {
        this.out = out;
        this.monitor = monitor;
        this.containers = containers;
        this.depth = depth;
    }

    /**
     * Scans the pickle at the start of {@code region} and every pickle appended after it. A failure of the first
     * pickle is an error; bytes after its STOP that are no pickle are a warning (torch never reads them).
     *
     * @param source how messages name the region ({@code model.pt, record archive/data.pkl})
     */
    void scanRecord(ByteRegion region, String record, String source) {
        long end = scanOne(region, 0, record, source, true, null);
        while (end >= 0 && end < region.length()) {
            long start = end;
            end = scanOne(region, start, record, source, false, null);
            if (end < 0) {
                out.warning(source + ": the " + (region.length() - start) + " bytes after the STOP at offset "
                        + (start - 1) + " are not a complete pickle");
            }
        }
    }

    /**
     * Scans the single pickle at {@code start} of {@code region}; offsets are reported relative to the region.
     *
     * @param required whether a failure is an error of the report (else it is left to the caller)
     * @param named if not null, receives the first {@value #MAX_NAMED} globals this pickle names, as
     *     {@code module.name}
     * @return the offset just after its STOP, or -1 when it could not be scanned to its end
     */
    long scanOne(ByteRegion region, long start, String record, String source, boolean required,
            List<String> named) {
        out.trace().scanned(region, start);
        Run run = new Run(region, start, record, source, named);
        try {
            return run.scan();
        } catch (CheckpointException e) {
            if (required) {
                out.error(e.getMessage());
            }
            return -1;
        }
    }

    /** A stack value the scan does not follow; its text stands in for a name it cannot know. */
    private record Unresolved(String text) {}

    /** The state of scanning one pickle. */
    private final class Run {
        private final ByteRegion region;
        private final long start;
        private final String record;
        private final String source;
        private final List<Object> stack = new ArrayList<>();
        private int[] marks = new int[16];
        private int markCount;
        private final Map<Long, Object> memo = new HashMap<>();
        private boolean memoOverflowed;
        private long followedChars;
        private final List<String> named;

        Run(ByteRegion region, long start, String record, String source, List<String> named) {
            this.region = region;
            this.start = start;
            this.record = record;
            this.source = source;
            this.named = named;
        }

        long scan() throws CheckpointException {
            PickleReader reader = new PickleReader(region.region(start, region.length() - start), source);
            long ops = 0;
            while (reader.hasNext()) {
                if (++ops % CANCEL_CHECK_OPS == 0) {
                    monitor.checkCancelled();
                }
                PickleOp op = reader.next();
                step(op, start + op.offset());
            }
            return start + reader.position();
        }

        private void step(PickleOp op, long at) throws CheckpointException {
            Opcode code = op.opcode();
            switch (code) {
                case MARK -> mark(at);
                case STOP -> pop(code, at);
                case POP -> {
                    if (markCount > 0 && stack.size() == fence()) {
                        popMark(code, at);
                    } else {
                        pop(code, at);
                    }
                }
                case POP_MARK -> popMark(code, at);
                case DUP -> push(peek(code, at), at);
                case FLOAT, INT, BININT, BININT1, LONG, BININT2, NONE, BINFLOAT, NEWTRUE, NEWFALSE, LONG1, LONG4,
                        EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE, EMPTY_SET, NEXT_BUFFER, PERSID -> push(VALUE, at);
                case STRING, BINSTRING, SHORT_BINSTRING, BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8 ->
                        push(bytesValue(op, at), at);
                case UNICODE, BINUNICODE, SHORT_BINUNICODE, BINUNICODE8 -> push(textValue(op.textArg(), at), at);
                case GLOBAL -> {
                    PickleOp.GlobalName g = op.globalArg();
                    global(g.module(), g.name(), at);
                    push(VALUE, at);
                }
                case INST -> {
                    PickleOp.GlobalName g = op.globalArg();
                    global(g.module(), g.name(), at);
                    popMark(code, at);
                    push(COMPUTED, at);
                }
                case STACK_GLOBAL -> stackGlobal(code, at);
                case EXT1, EXT2, EXT4 -> {
                    out.unresolved("copyreg", "<extension code " + op.longArg() + ">", record, at);
                    push(COMPUTED, at);
                }
                case BINPERSID -> replaceTop(code, at, COMPUTED);
                case REDUCE, NEWOBJ -> {
                    pop(code, at);
                    replaceTop(code, at, COMPUTED);
                }
                case NEWOBJ_EX -> {
                    pop(code, at);
                    pop(code, at);
                    replaceTop(code, at, COMPUTED);
                }
                case OBJ -> {
                    if (popMark(code, at) == 0) {
                        throw corrupt(code + " at offset " + at + " has no class after its MARK");
                    }
                    push(COMPUTED, at);
                }
                case DICT, LIST, TUPLE, FROZENSET -> {
                    popMark(code, at);
                    push(VALUE, at);
                }
                case TUPLE1 -> collect(code, at, 1);
                case TUPLE2 -> collect(code, at, 2);
                case TUPLE3 -> collect(code, at, 3);
                case APPEND, BUILD -> {
                    pop(code, at);
                    peek(code, at);
                }
                case SETITEM -> {
                    pop(code, at);
                    pop(code, at);
                    peek(code, at);
                }
                case APPENDS, SETITEMS, ADDITEMS -> {
                    popMark(code, at);
                    peek(code, at);
                }
                case GET, BINGET, LONG_BINGET -> push(memoGet(op, at), at);
                case PUT, BINPUT, LONG_BINPUT -> memoPut(memoIndex(op, at), peek(code, at));
                case MEMOIZE -> memoPut(memoOverflowed ? -1 : memo.size(), peek(code, at));
                case READONLY_BUFFER -> peek(code, at);
                case PROTO, FRAME -> {
                    // framing and the protocol number do not change what the opcodes mean
                }
                default -> throw corrupt("unexpected opcode " + code + " at offset " + at);
            }
        }

        /** STACK_GLOBAL imports whatever two strings are on top; anything not followed is reported as such. */
        private void stackGlobal(Opcode code, long at) throws CheckpointException {
            Object name = pop(code, at);
            Object module = pop(code, at);
            if (module instanceof String m && name instanceof String n) {
                global(m, n, at);
            } else {
                out.unresolved(nameOf(module), nameOf(name), record, at);
            }
            push(VALUE, at);
        }

        private void global(String module, String name, long at) {
            out.global(module, name, record, at);
            if (named != null && named.size() < MAX_NAMED) {
                named.add(module + "." + name);
            }
        }

        private String nameOf(Object item) {
            return item instanceof String s ? s : ((Unresolved) item).text();
        }

        private Object bytesValue(PickleOp op, long at) throws CheckpointException {
            if (op.argument() instanceof byte[] quoted) {
                embedded(ByteRegion.of(quoted), at);
                return quoted.length > MAX_NAME_CHARS ? LONG_STRING : follow(decode(ByteBuffer.wrap(quoted)));
            }
            ByteRegion bytes = op.bytesArg();
            embedded(bytes, at);
            if (bytes.length() > MAX_NAME_CHARS) {
                return LONG_STRING;
            }
            try {
                return follow(decode(bytes.slice(0, (int) bytes.length())));
            } catch (IOException e) {
                throw new CheckpointException(CheckpointException.Kind.IO, source + ": " + e.getMessage(), e);
            }
        }

        private Object textValue(String text, long at) throws CheckpointException {
            if (text.length() >= EmbeddedPayload.MIN_LENGTH && EmbeddedPayload.mayStart(text.charAt(0))) {
                embedded(EmbeddedPayload.bytesOf(text), at);
            }
            return text.length() > MAX_NAME_CHARS ? LONG_STRING : follow(text);
        }

        private Object follow(String text) {
            if (followedChars + text.length() > MAX_FOLLOWED_CHARS) {
                return LONG_STRING;
            }
            followedChars += text.length();
            return text;
        }

        private void embedded(ByteRegion payload, long at) throws CheckpointException {
            if (depth >= MAX_EMBEDDING_DEPTH) {
                return;
            }
            try {
                new EmbeddedPayload(out, monitor, containers).scan(payload, record + " > bytes at " + at,
                        source + " > bytes at offset " + at, depth + 1);
            } catch (CheckpointException e) {
                throw e;
            } catch (IOException e) {
                throw new CheckpointException(CheckpointException.Kind.IO, source + ": " + e.getMessage(), e);
            }
        }

        private Object memoGet(PickleOp op, long at) throws CheckpointException {
            long index = memoIndex(op, at);
            Object v = memo.get(index);
            if (v != null) {
                return v;
            }
            if (memoOverflowed) {
                return UNTRACKED_MEMO;
            }
            throw corrupt(op.opcode() + " at offset " + at + " reads memo entry " + index + ", which was never set");
        }

        private long memoIndex(PickleOp op, long at) throws CheckpointException {
            BigInteger i = op.bigIntArg();
            if (i.signum() < 0 || i.bitLength() > 62) {
                throw corrupt(op.opcode() + " at offset " + at + " has an invalid memo index " + i);
            }
            return i.longValue();
        }

        private void memoPut(long index, Object value) {
            if (index < 0) {
                return;
            }
            if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
                memoOverflowed = true;
                return;
            }
            memo.put(index, value);
        }

        private void mark(long at) throws CheckpointException {
            checkStack(at);
            if (markCount == marks.length) {
                marks = Arrays.copyOf(marks, markCount * 2);
            }
            marks[markCount++] = stack.size();
        }

        private int fence() {
            return markCount == 0 ? 0 : marks[markCount - 1];
        }

        /** Drops everything above the last MARK and the mark itself; returns how many values it dropped. */
        private int popMark(Opcode code, long at) throws CheckpointException {
            if (markCount == 0) {
                throw corrupt(code + " at offset " + at + " has no MARK to pop to");
            }
            int fence = marks[--markCount];
            int n = stack.size() - fence;
            stack.subList(fence, stack.size()).clear();
            return n;
        }

        private void push(Object v, long at) throws CheckpointException {
            checkStack(at);
            stack.add(v);
        }

        private void checkStack(long at) throws CheckpointException {
            if (stack.size() + markCount >= MAX_STACK) {
                throw new CheckpointException(CheckpointException.Kind.LIMIT_EXCEEDED, source
                        + ": the pickle stack grows beyond " + MAX_STACK + " entries at offset " + at);
            }
        }

        private Object pop(Opcode code, long at) throws CheckpointException {
            if (stack.size() <= fence()) {
                throw underflow(code, at);
            }
            return stack.remove(stack.size() - 1);
        }

        private Object peek(Opcode code, long at) throws CheckpointException {
            if (stack.size() <= fence()) {
                throw underflow(code, at);
            }
            return stack.get(stack.size() - 1);
        }

        private void replaceTop(Opcode code, long at, Object v) throws CheckpointException {
            pop(code, at);
            push(v, at);
        }

        private void collect(Opcode code, long at, int n) throws CheckpointException {
            for (int i = 0; i < n; i++) {
                pop(code, at);
            }
            push(VALUE, at);
        }

        private CheckpointException underflow(Opcode code, long at) {
            return corrupt(code + " at offset " + at + " pops from an empty stack");
        }

        private CheckpointException corrupt(String reason) {
            return new MalformedPickle(CheckpointException.Kind.CORRUPT, source + ": " + reason);
        }
    }

    /** Names in bytes (py2 str, or BINBYTES abused as one) as torch's unpickler decodes them: UTF-8. */
    private static String decode(ByteBuffer bytes) {
        return StandardCharsets.UTF_8.decode(bytes).toString();
    }
}
