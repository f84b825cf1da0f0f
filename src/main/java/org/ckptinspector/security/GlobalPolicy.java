package org.ckptinspector.security;

import java.util.Set;

/**
 * Classifies the globals a pickle names. SAFE is torch 2.13's {@code weights_only} allow-list, plus the classes of a
 * DCP {@code .metadata} ({@link #DCP_METADATA}), which torch unpickles with plain {@code pickle.load}; DANGEROUS is
 * anything that can run code or reach files, processes or the network when Python unpickles it; UNKNOWN is the
 * rest (model classes, numpy, argparse). The same classification feeds {@code inspect}'s unsafe_globals,
 * {@code scan} and the GUI's security banner.
 *
 * <p>It classifies names the way Python resolves them, not only as written: Python 2 names are mapped as
 * {@code pickle} maps them ({@link Python2Names}; the worse of both readings counts), and a dotted name, which
 * protocol 4 resolves attribute by attribute ({@code torch} + {@code serialization.os.system} is
 * {@code os.system}), is dangerous when any step is a dunder or a dangerous module or callable.
 */
public final class GlobalPolicy {
    private static final Set<String> SAFE_EXACT = Set.of(
            "collections.OrderedDict", "collections.Counter", "torch.nn.parameter.Parameter",
            "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device",
            "_codecs.encode", "builtins.bytearray", "builtins.set", "builtins.complex",
            "torch._tensor._rebuild_from_type_v2",
            "torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.per_channel_affine",
            "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
            "torch.storage.TypedStorage", "torch.storage.UntypedStorage");
    /**
     * The classes torch writes into a {@code torch.distributed.checkpoint} {@code .metadata}: dataclasses that
     * hold data only, and the path class of its {@code checkpoint_id}, which only wraps a string.
     */
    public static final Set<String> DCP_METADATA = Set.of(
            "torch.distributed.checkpoint.metadata.Metadata",
            "torch.distributed.checkpoint.metadata.TensorStorageMetadata",
            "torch.distributed.checkpoint.metadata.BytesStorageMetadata",
            "torch.distributed.checkpoint.metadata.ChunkStorageMetadata",
            "torch.distributed.checkpoint.metadata.TensorProperties",
            "torch.distributed.checkpoint.metadata._MEM_FORMAT_ENCODING",
            "torch.distributed.checkpoint.metadata.MetadataIndex",
            "torch.distributed.checkpoint.metadata.StorageMeta",
            "torch.distributed.checkpoint.filesystem._StorageInfo",
            "torch.distributed._shard.sharded_tensor.metadata.TensorProperties",
            "torch.distributed._shard.sharded_tensor.metadata.MEM_FORMAT_ENCODING",
            "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib._local.PosixPath", "pathlib._local.WindowsPath");
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
    /** Modules whose every global is dangerous: they run code, or reach files, processes, memory or the net. */
    private static final Set<String> DANGEROUS_MODULES = Set.of(
            "os", "posix", "nt", "posixpath", "ntpath", "genericpath", "subprocess", "_posixsubprocess", "pty",
            "sys", "runpy", "importlib", "imp", "pkgutil", "zipimport", "site", "marshal", "pickle", "_pickle",
            "cPickle", "shelve", "dbm", "dill", "cloudpickle", "joblib", "jsonpickle", "yaml", "shutil",
            "tempfile", "pathlib", "glob", "fileinput", "linecache", "io", "_io", "tarfile", "zipfile", "gzip",
            "bz2", "lzma", "sqlite3", "mmap", "fcntl", "resource", "socket", "_socket", "socketserver", "ssl",
            "select", "selectors", "http", "urllib", "urllib2", "urllib3", "requests", "httpx", "aiohttp",
            "ftplib", "poplib", "imaplib", "smtplib", "nntplib", "telnetlib", "xmlrpc", "webbrowser",
            "antigravity", "ctypes", "_ctypes", "cffi", "code", "codeop", "pdb", "bdb", "doctest", "pydoc",
            "timeit", "cProfile", "profile", "trace", "platform", "multiprocessing", "concurrent", "asyncio",
            "threading", "_thread", "signal", "gc", "inspect", "types", "ensurepip", "venv", "pip", "setuptools",
            "distutils", "pkg_resources", "logging.config", "logging.handlers", "commands", "popen2",
            "numpy.testing", "numpy.ctypeslib", "numpy.f2py", "numpy.distutils", "numpy.lib.npyio",
            "numpy.lib.format", "pandas.io",
            "torch.hub", "torch.jit", "torch.package", "torch.fx", "torch._dynamo", "torch._inductor",
            "torch.utils.cpp_extension", "torch.utils.collect_env", "torch.utils.model_zoo", "torch.ops",
            "torch._ops", "torch.classes", "torch._classes", "torch.library", "torch.distributed",
            "torch.multiprocessing", "torch.export", "torch._export", "torch.serialization");
    private static final Set<String> DANGEROUS_EXACT = Set.of(
            "operator.attrgetter", "operator.itemgetter", "operator.methodcaller", "functools.partial",
            "functools.partialmethod", "functools.reduce", "codecs.open", "codecs.EncodedFile",
            "torch.load", "torch.save", "torch.from_file", "torch.compile", "torch.storage._load_from_bytes",
            "torch._utils._import_dotted_name", "numpy.load", "numpy.save", "numpy.savez", "numpy.fromfile",
            "numpy.loadtxt", "numpy.genfromtxt", "numpy.memmap", "pandas.read_pickle");
    /** The builtins a pickle may name without reaching code: value types and exception classes. */
    private static final Set<String> INERT_BUILTINS = Set.of(
            "bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list", "object",
            "range", "set", "slice", "str", "tuple", "NotImplemented", "Ellipsis");
    /** Attribute names that are dangerous wherever they are found, as a global's name or a step of one. */
    private static final Set<String> DANGEROUS_NAMES = Set.of(
            "eval", "exec", "execfile", "compile", "getattr", "setattr", "delattr", "open", "breakpoint",
            "globals", "locals", "vars", "input", "system", "popen", "spawn", "load", "loads", "load_library",
            "import_module", "run");
    /** Modules inside dangerous ones that only rebuild values: TorchScript's own unpickler helpers. */
    private static final Set<String> INERT_MODULES = Set.of("torch.jit._pickle");
    /** copyreg's object reconstructors: they only instantiate classes the pickle names elsewhere. */
    private static final Set<String> COPYREG_RECONSTRUCTORS = Set.of("_reconstructor", "__newobj__",
            "__newobj_ex__");

    private GlobalPolicy() {}

    /**
     * Classifies a global as a pickle names it: the worse of its classes as written and as Python 3 maps it.
     */
    public static GlobalClass classify(String module, String name) {
        GlobalClass asWritten = classifyResolved(normalizeModule(module), name);
        String[] mapped = Python2Names.map(module, name);
        return worse(asWritten, classifyResolved(mapped[0], mapped[1]));
    }

    /** Classifies {@code module.name}, splitting at the last dot. */
    public static GlobalClass classify(String qualifiedName) {
        int dot = qualifiedName.lastIndexOf('.');
        return dot < 0 ? classify("", qualifiedName) : classify(qualifiedName.substring(0, dot),
                qualifiedName.substring(dot + 1));
    }

    /** Maps Python 2 spellings of builtins and copyreg to Python 3's, as torch's unpickler does first. */
    public static String normalizeModule(String module) {
        return switch (module) {
            case "__builtin__" -> "builtins";
            case "copy_reg" -> "copyreg";
            default -> module;
        };
    }

    /** The more severe of two classes. */
    public static GlobalClass worse(GlobalClass a, GlobalClass b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static GlobalClass classifyResolved(String module, String name) {
        if (name.indexOf('.') >= 0) {
            return classifyDotted(module, name);
        }
        if (isSafe(module, name)) {
            return GlobalClass.SAFE;
        }
        return isDangerous(module, name) ? GlobalClass.DANGEROUS : GlobalClass.UNKNOWN;
    }

    /** Protocol 4 walks {@code a.b.c} attribute by attribute from the module; every step must be harmless. */
    private static GlobalClass classifyDotted(String module, String name) {
        String[] steps = name.split("\\.", -1);
        for (String step : steps) {
            if (isDunder(step) || DANGEROUS_NAMES.contains(step) || isDangerousModule(step) || step.isEmpty()) {
                return GlobalClass.DANGEROUS;
            }
        }
        int last = name.lastIndexOf('.');
        String owner = module + "." + name.substring(0, last);
        return classifyResolved(owner, name.substring(last + 1));
    }

    private static boolean isSafe(String m, String name) {
        if (SAFE_EXACT.contains(m + "." + name) || DCP_METADATA.contains(m + "." + name)) {
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

    private static boolean isDangerous(String m, String name) {
        if (INERT_MODULES.contains(m) && !isDunder(name) && !DANGEROUS_NAMES.contains(name)) {
            return false;
        }
        if (DANGEROUS_EXACT.contains(m + "." + name) || isDangerousModule(m)) {
            return true;
        }
        if (m.equals("builtins")) {
            return !INERT_BUILTINS.contains(name) && !isExceptionClass(name);
        }
        if (m.equals("copyreg")) {
            return !COPYREG_RECONSTRUCTORS.contains(name);
        }
        if (m.equals("torch._C") && (name.startsWith("_jit") || name.contains("load") || name.contains("import"))) {
            return true;
        }
        return isDunder(name) || DANGEROUS_NAMES.contains(name) || isDangerousModule(name)
                || hasControlCharacter(m) || hasControlCharacter(name);
    }

    private static boolean isDangerousModule(String m) {
        if (DANGEROUS_MODULES.contains(m)) {
            return true;
        }
        for (int dot = m.indexOf('.'); dot >= 0; dot = m.indexOf('.', dot + 1)) {
            if (DANGEROUS_MODULES.contains(m.substring(0, dot))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isExceptionClass(String name) {
        return name.endsWith("Error") || name.endsWith("Exception") || name.endsWith("Warning")
                || name.equals("StopIteration") || name.equals("GeneratorExit") || name.equals("KeyboardInterrupt")
                || name.equals("SystemExit") || name.equals("StopAsyncIteration");
    }

    private static boolean isDunder(String s) {
        return s.length() > 4 && s.startsWith("__") && s.endsWith("__");
    }

    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }
}
