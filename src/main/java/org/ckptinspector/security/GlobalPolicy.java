package org.ckptinspector.security;

import java.util.Set;

/**
 * Classifies globals like torch's {@code weights_only} unpickler (torch 2.13's allow-list) and flags the modules
 * and callables that run code. The same classification feeds {@code inspect}'s unsafe_globals, {@code scan}
 * and the GUI's security banner.
 */
public final class GlobalPolicy {
    private static final Set<String> SAFE_EXACT = Set.of(
            "collections.OrderedDict", "collections.Counter", "torch.nn.parameter.Parameter",
            "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device",
            "_codecs.encode", "builtins.bytearray", "builtins.set", "builtins.complex",
            "__builtin__.set", "__builtin__.bytearray", "__builtin__.complex",
            "torch._tensor._rebuild_from_type_v2",
            "torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.per_channel_affine",
            "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
            "torch.storage.TypedStorage", "torch.storage.UntypedStorage");
    private static final Set<String> REBUILD_FUNCTIONS = Set.of(
            "_rebuild_parameter", "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_tensor",
            "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_sparse_tensor", "_rebuild_sparse_csr_tensor",
            "_rebuild_meta_tensor_no_storage", "_rebuild_nested_tensor", "_rebuild_wrapper_subclass",
            "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor");
    private static final Set<String> DTYPE_NAMES = Set.of(
            "float64", "float32", "float16", "bfloat16", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
            "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "int64", "int32", "int16", "int8", "uint64",
            "uint32", "uint16", "uint8", "bool", "complex128", "complex64", "complex32", "qint8", "quint8",
            "qint32", "quint4x2", "quint2x4", "bits8", "bits16", "bits1x8", "bits2x4", "bits4x2",
            "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7",
            "int1", "int2", "int3", "int4", "int5", "int6", "int7");
    private static final Set<String> DANGEROUS_MODULES = Set.of(
            "os", "posix", "nt", "subprocess", "sys", "runpy", "importlib", "marshal", "pickle", "_pickle",
            "shutil", "socket", "webbrowser", "ctypes", "pty", "commands", "code", "codeop", "multiprocessing",
            "asyncio", "http", "urllib", "urllib2", "requests", "ftplib", "telnetlib", "smtplib", "tempfile",
            "pathlib", "io", "_io", "signal", "threading", "_thread", "builtins.__import__", "pdb", "bdb",
            "timeit", "cProfile", "profile", "trace", "platform", "sqlite3", "zipimport", "pip", "setuptools",
            "distutils", "dill", "cloudpickle", "joblib", "numpy.testing", "torch.hub", "torch.jit", "torch._dynamo",
            "torch._inductor", "torch.utils.cpp_extension", "_posixsubprocess", "gc", "inspect", "types");
    private static final Set<String> DANGEROUS_EXACT = Set.of(
            "builtins.eval", "builtins.exec", "builtins.compile", "builtins.getattr", "builtins.setattr",
            "builtins.delattr", "builtins.__import__", "builtins.open", "builtins.breakpoint", "builtins.input",
            "builtins.globals", "builtins.locals", "builtins.vars", "builtins.apply", "builtins.execfile",
            "builtins.file",
            "operator.attrgetter", "operator.itemgetter", "operator.methodcaller", "functools.partial",
            "functools.reduce", "types.CodeType", "types.FunctionType", "torch.serialization.load",
            "torch.load", "torch.save", "numpy.load", "numpy.fromfile", "numpy.save", "torch._C._jit_set_profiling_executor",
            "copyreg._reconstructor_unsafe");

    private GlobalPolicy() {}

    /** Classifies {@code module.name}; Python 2's {@code __builtin__} counts as {@code builtins}. */
    public static GlobalClass classify(String module, String name) {
        String m = normalizeModule(module);
        String q = m + "." + name;
        if (isSafe(m, name, q)) {
            return GlobalClass.SAFE;
        }
        if (DANGEROUS_EXACT.contains(q)) {
            return GlobalClass.DANGEROUS;
        }
        for (String d : DANGEROUS_MODULES) {
            if (m.equals(d) || m.startsWith(d + ".")) {
                return GlobalClass.DANGEROUS;
            }
        }
        if (name.contains("\n") || module.contains("\n") || name.startsWith("__") && name.endsWith("__")
                && !name.equals("__main__")) {
            return GlobalClass.DANGEROUS;
        }
        return GlobalClass.UNKNOWN;
    }

    public static GlobalClass classify(String qualifiedName) {
        int dot = qualifiedName.lastIndexOf('.');
        return dot < 0 ? classify("", qualifiedName) : classify(qualifiedName.substring(0, dot),
                qualifiedName.substring(dot + 1));
    }

    /** Maps Python 2 module names to their Python 3 spelling, as torch's unpickler does first. */
    public static String normalizeModule(String module) {
        return switch (module) {
            case "__builtin__" -> "builtins";
            case "copy_reg" -> "copyreg";
            default -> module;
        };
    }

    private static boolean isSafe(String m, String name, String q) {
        if (SAFE_EXACT.contains(q)) {
            return true;
        }
        if (m.equals("torch._utils") && REBUILD_FUNCTIONS.contains(name)) {
            return true;
        }
        if (m.equals("torch") && DTYPE_NAMES.contains(name)) {
            return true;
        }
        if ((m.equals("torch") || m.equals("torch.cuda")) && (name.endsWith("Storage") || name.endsWith("Tensor"))) {
            return true;
        }
        return (m.equals("torch.sparse") || m.equals("torch.cuda.sparse")) && name.endsWith("Tensor");
    }
}
