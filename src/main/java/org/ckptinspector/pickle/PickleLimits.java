package org.ckptinspector.pickle;

/**
 * The resource limits of the {@link RestrictedUnpickler}. Input beyond any of them is refused with a
 * {@link org.ckptinspector.model.CheckpointException} of kind LIMIT_EXCEEDED that names the limit; real
 * checkpoints stay far below every one (a state_dict needs about 20 objects and 10 memo entries per tensor).
 * The opcode-level limits (text line and string lengths) are in {@link PickleReader}.
 */
public final class PickleLimits {
    /**
     * Deepest nesting of containers (lists, tuples, dicts, objects) in the unpickled value. Python's own pickler
     * cannot write more than a few hundred levels with its default recursion limit; tree walks in this project
     * are iterative, the limit protects code that is not.
     */
    public static final int MAX_DEPTH = 5_000;
    /**
     * Deepest nesting of tuples in a dict key or set member. Tuples hash and compare recursively, so a deeper key
     * could exhaust the thread stack; real keys are strings, ints and short tuples.
     */
    public static final int MAX_KEY_DEPTH = 100;
    /** Most values on the unpickler's stack at once (values between a MARK and the opcode that collects them). */
    public static final int MAX_STACK = 1_000_000;
    /** Most memo entries (BINPUT/LONG_BINPUT/PUT/MEMOIZE). */
    public static final int MAX_MEMO = 4_000_000;
    /** Most values one pickle may create (ints, strings, containers, objects). */
    public static final int MAX_OBJECTS = 4_000_000;
    /**
     * Estimated heap bytes all values of one pickle may take: a count of values cannot bound memory when a dict
     * costs ten times an int, so every value, memo entry and container slot is charged its rough size. Chosen so
     * that any input is refused before it exhausts a 256 MiB heap; a state_dict costs about 1 KiB per tensor.
     */
    public static final long MAX_VALUE_BYTES = 96L << 20;
    /** Most bytes of str and bytes payload one pickle may create in total. */
    public static final long MAX_PAYLOAD_BYTES = 256L << 20;
    /** Most containers a walk over the unpickled graph visits (shared subgraphs count once per path). */
    public static final long MAX_WALK = 5_000_000;
    /**
     * Most tensor paths one file may have. A tensor reachable by several paths counts once per path; the largest
     * real state_dicts with optimizer state have a few hundred thousand.
     */
    public static final int MAX_TENSOR_PATHS = 500_000;
    /** Most path elements (dict keys, indices, attribute names) all tensor paths of one file have together. */
    public static final long MAX_TENSOR_PATH_ELEMENTS = 4_000_000;

    private PickleLimits() {}
}
