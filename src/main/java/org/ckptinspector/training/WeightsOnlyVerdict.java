package org.ckptinspector.training;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.pickle.Opcode;
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.GlobalPolicy;

/**
 * Whether torch ≥ 2.6's {@code torch.load(f)} (weights_only by default) loads a file, which globals block it and
 * what to paste to allow them. Blocking are the globals outside torch's allow-list, and for every numpy dtype
 * object the class numpy ≥ 1.25 makes of it ({@code numpy.dtypes.Float64DType}: torch's unpickler asks for it
 * too). A dangerous global is never offered for allowing; the reason says why.
 *
 * @param loads true when torch loads the file as it is
 * @param blocking the globals torch refuses, as {@code module.name}
 * @param snippet Python lines that allow the blocking globals ({@code import …} then
 *     {@code torch.serialization.add_safe_globals([...])}); null when nothing blocks or when one is dangerous
 * @param reason why there is no snippet although the file does not load; null otherwise
 */
public record WeightsOnlyVerdict(boolean loads, List<String> blocking, String snippet, String reason) {
    /** Types of numpy dtype codes, as numpy.dtypes names them (numpy ≥ 1.25). */
    private static final Map<String, String> DTYPE_CLASSES = Map.ofEntries(
            Map.entry("f8", "Float64DType"), Map.entry("f4", "Float32DType"), Map.entry("f2", "Float16DType"),
            Map.entry("i8", "Int64DType"), Map.entry("i4", "Int32DType"), Map.entry("i2", "Int16DType"),
            Map.entry("i1", "Int8DType"), Map.entry("u8", "UInt64DType"), Map.entry("u4", "UInt32DType"),
            Map.entry("u2", "UInt16DType"), Map.entry("u1", "UInt8DType"), Map.entry("b1", "BoolDType"),
            Map.entry("c16", "Complex128DType"), Map.entry("c8", "Complex64DType"),
            Map.entry("f16", "LongDoubleDType"), Map.entry("c32", "CLongDoubleDType"),
            Map.entry("O8", "ObjectDType"), Map.entry("M8", "DateTime64DType"), Map.entry("m8", "TimeDelta64DType"));
    /** Globals torch 1.x wrote and allowed that torch 2.x no longer has (the scanner still calls them safe). */
    private static final Set<String> GONE_IN_TORCH_2 = Set.of("torch._utils._rebuild_sparse_csr_tensor");
    /** Values walked looking for numpy dtype objects; beyond it the walk stops (a hostile graph). */
    private static final int MAX_WALK = 2_000_000;

    public WeightsOnlyVerdict {
        blocking = List.copyOf(blocking);
    }

    /** The verdict on an opened torch checkpoint whose pickles name {@code globals}; null for other formats. */
    public static WeightsOnlyVerdict of(Checkpoint c, List<String> globals) {
        if (c.format() == Format.SAFETENSORS || c.format() == Format.SHARDED) {
            return null;
        }
        if (c.format() == Format.TORCH_TAR) {
            return new WeightsOnlyVerdict(false, List.of(), null,
                    "torch.load refuses the tar format with weights_only=True; load it once with "
                    + "weights_only=False (trusted files only) and save it again");
        }
        Optional<Opcode> refused = refusedOpcode(c);
        if (refused.isPresent()) {
            return new WeightsOnlyVerdict(false, List.of(), null, "its pickle uses opcode " + refused.get()
                    + " (pickle protocol " + refused.get().protocol() + "), which torch's weights_only unpickler "
                    + "does not implement, so no allow-list makes it load; load it once with weights_only=False "
                    + "(trusted files only) and save it again with torch.save");
        }
        Set<String> blocking = new LinkedHashSet<>();
        List<String> dangerous = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (String g : globals) {
            if (GONE_IN_TORCH_2.contains(g)) {
                blocking.add(g);
                gone.add(g);
                continue;
            }
            GlobalClass k = GlobalPolicy.classify(g);
            if (k != GlobalClass.SAFE) {
                blocking.add(normalized(g));
            }
            if (k == GlobalClass.DANGEROUS) {
                dangerous.add(g);
            }
        }
        if (globals.contains("numpy.dtype")) {
            for (String code : numpyDTypeCodes(c.root())) {
                String cls = DTYPE_CLASSES.get(code);
                if (cls != null) {
                    blocking.add("numpy.dtypes." + cls);
                }
            }
        }
        if (blocking.isEmpty()) {
            return new WeightsOnlyVerdict(true, List.of(), null, null);
        }
        if (!gone.isEmpty() && dangerous.isEmpty()) {
            return new WeightsOnlyVerdict(false, List.copyOf(blocking), null, String.join(", ", gone)
                    + " was written by torch 1.x and no longer exists in torch 2.x, so no allow-list makes the file "
                    + "load; load it with torch 1.x and save it again");
        }
        if (!dangerous.isEmpty()) {
            return new WeightsOnlyVerdict(false, List.copyOf(blocking), null, String.join(", ", dangerous)
                    + (dangerous.size() == 1 ? " can" : " can each") + " run code or reach files, processes or "
                    + "the network when unpickled: never allow it; load the file only if you trust its source");
        }
        return new WeightsOnlyVerdict(false, List.copyOf(blocking), snippet(blocking), null);
    }

    private static Optional<Opcode> refusedOpcode(Checkpoint c) {
        try {
            return WeightsOnlyOpcodes.firstRefused(c.file(), c.format());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String normalized(String qualified) {
        int dot = qualified.lastIndexOf('.');
        return dot < 0 ? qualified
                : PythonCalls.normalizeModule(qualified.substring(0, dot)) + qualified.substring(dot);
    }

    /**
     * Imports and the {@code add_safe_globals} call. numpy 1.x names ({@code numpy.core.*}) are given with the
     * name the pickle uses, as numpy 2 answers them with {@code numpy._core} objects torch would not match;
     * classes of the saving script ({@code __main__.Net}) must be defined where the file is loaded.
     */
    static String snippet(Set<String> blocking) {
        Set<String> imports = new LinkedHashSet<>();
        StringJoiner items = new StringJoiner(", ", "torch.serialization.add_safe_globals([", "])");
        for (String g : blocking) {
            int dot = g.lastIndexOf('.');
            String module = g.substring(0, dot);
            String name = g.substring(dot + 1);
            if (module.equals("builtins")) {
                items.add(name);
            } else if (module.equals("__main__")) {
                items.add("(" + name + ", \"" + g + "\")");
            } else {
                imports.add("import " + module);
                items.add(module.startsWith("numpy.core.") ? "(" + g + ", \"" + g + "\")" : g);
            }
        }
        StringJoiner lines = new StringJoiner("\n");
        lines.add("import torch");
        imports.forEach(lines::add);
        lines.add(items.toString());
        return lines.toString();
    }

    /** The dtype codes of the numpy dtype objects under {@code root}, in first-seen order. */
    private static List<String> numpyDTypeCodes(PyValue root) {
        Set<String> codes = new LinkedHashSet<>();
        Set<PyValue> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<PyValue> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty() && seen.size() < MAX_WALK) {
            PyValue v = todo.pop();
            if (!seen.add(v)) {
                continue;
            }
            List<PyValue> children = new ArrayList<>();
            if (v instanceof PyValue.Dict d) {
                children.addAll(d.entries().values());
            } else if (v instanceof PyValue.PyList l) {
                children.addAll(l.items());
            } else if (v instanceof PyValue.Tuple t) {
                children.addAll(t.items());
            } else if (v instanceof PyValue.Obj o) {
                if (o.cls() instanceof PyValue.Global g && g.qualifiedName().equals("numpy.dtype")
                        && o.args().size() > 0 && o.args().get(0) instanceof PyValue.Str code) {
                    codes.add(code.value());
                }
                children.addAll(o.args().items());
                children.add(o.state());
                children.addAll(o.listItems());
                children.addAll(o.dictItems().values());
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.push(children.get(i));
            }
        }
        return new ArrayList<>(codes);
    }
}
