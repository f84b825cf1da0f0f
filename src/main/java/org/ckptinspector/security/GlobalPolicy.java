package org.ckptinspector.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ckptinspector.pickle.PythonCalls;

/**
 * Classifies the globals a pickle names. SAFE is torch 2.13's {@code weights_only} allow-list; DANGEROUS is
 * anything that can run code or reach files, processes or the network when Python unpickles it; UNKNOWN is the
 * rest (model classes, numpy, argparse). The same classification feeds {@code inspect}'s unsafe_globals,
 * {@code scan} and the GUI's security banner.
 *
 * <p>A global is read as the dotted path Python resolves: its module, then every attribute step of its name
 * (protocol 4 walks {@code torch} + {@code serialization.os.system} step by step). The path is judged by a table
 * of modules, callables and value classes ({@link PolicyTable}: a whole module or callable is dangerous with
 * everything below it; a value class inside a dangerous module is unknown only as itself), by the attribute
 * names that are dangerous anywhere (dunders, {@code eval}, {@code system}, {@code from_file}, …), and by the
 * aliases Python lets a path take: a step that names a module ({@code argparse._os}, {@code logging.os}) is read
 * as that module too, and a private twin ({@code _operator}) as its public module; the worse reading counts.
 * Python 2 names are mapped as {@code pickle} maps them ({@link Python2Names}). The result does not depend on
 * where the name is split into module and name.
 */
public final class GlobalPolicy {
    private static final List<String> REBUILD_FUNCTIONS = List.of(
            "_rebuild_parameter", "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_tensor",
            "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_sparse_tensor", "_rebuild_sparse_csr_tensor",
            "_rebuild_meta_tensor_no_storage", "_rebuild_nested_tensor", "_rebuild_wrapper_subclass",
            "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor");
    private static final List<String> DTYPE_NAMES = List.of(
            "float64", "float32", "float16", "bfloat16", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
            "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "int64", "int32", "int16", "int8", "uint64",
            "uint32", "uint16", "uint8", "bool", "complex128", "complex64", "complex32", "qint8", "quint8",
            "qint32", "quint4x2", "quint2x4", "bits8", "bits16", "bits1x8", "bits2x4", "bits4x2",
            "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7",
            "int1", "int2", "int3", "int4", "int5", "int6", "int7");
    /** The builtins a pickle may name without reaching code: value types (exception classes are inert too). */
    private static final List<String> INERT_BUILTINS = List.of(
            "bool", "bytes", "dict", "float", "frozenset", "int", "list", "object", "range", "slice", "str",
            "tuple", "NotImplemented", "Ellipsis");
    /** Whole modules that run code or reach files, processes, memory or the network. */
    private static final String[] DANGEROUS_MODULES = {
        // processes, the interpreter and imports
        "os", "posix", "nt", "posixpath", "ntpath", "genericpath", "subprocess", "_posixsubprocess", "pty",
        "sys", "runpy", "importlib", "imp", "_imp", "_frozen_importlib", "_frozen_importlib_external", "pkgutil",
        "zipimport", "site", "_sitebuiltins", "signal", "gc", "inspect", "types", "atexit", "faulthandler",
        "threading", "_thread", "multiprocessing", "_multiprocessing", "_posixshmem", "concurrent", "asyncio",
        "_winapi", "msvcrt", "winreg", "_winreg", "ctypes", "_ctypes", "cffi", "commands", "popen2", "pipes",
        "_osx_support", "_aix_support", "platform", "resource", "fcntl", "mmap", "uuid",
        // every builtin and copyreg function but the value types and reconstructors listed below
        "builtins", "copyreg",
        // code: interpreters, debuggers, profilers, test runners, tools that compile or run source
        "code", "codeop", "pdb", "bdb", "doctest", "pydoc", "timeit", "cProfile", "profile", "trace",
        "_pyrepl", "idlelib", "lib2to3", "unittest", "test", "compileall", "py_compile", "zipapp",
        "tkinter", "_tkinter", "turtle", "turtledemo", "readline", "cgitb", "cgi", "mailcap", "webbrowser",
        "antigravity", "ensurepip", "venv", "pip", "setuptools", "distutils", "pkg_resources",
        // other unpicklers and serializers
        "marshal", "pickle", "_pickle", "cPickle", "shelve", "dbm", "dill", "cloudpickle", "joblib",
        "jsonpickle", "yaml",
        // files
        "shutil", "tempfile", "pathlib", "glob", "fileinput", "linecache", "filecmp", "io", "_io", "_pyio",
        "tarfile", "zipfile", "gzip", "bz2", "lzma", "sqlite3", "mailbox", "uu", "binhex", "netrc",
        "logging.config", "logging.handlers",
        // network
        "socket", "_socket", "socketserver", "ssl", "select", "selectors", "http", "urllib", "urllib2",
        "urllib3", "requests", "httpx", "aiohttp", "ftplib", "poplib", "imaplib", "smtplib", "smtpd", "nntplib",
        "telnetlib", "xmlrpc", "asyncore", "asynchat",
        // numpy, pandas and torch parts that load, save, compile or run
        "numpy.testing", "numpy.ctypeslib", "numpy.f2py", "numpy.distutils", "numpy.lib.npyio",
        "numpy.lib._npyio_impl", "numpy.lib.format", "numpy.lib._datasource", "pandas.io",
        "torch.hub", "torch.jit", "torch.package", "torch.fx", "torch._dynamo", "torch._inductor",
        "torch.compiler", "torch.utils.cpp_extension", "torch.utils.collect_env", "torch.utils.model_zoo",
        "torch.utils.bottleneck", "torch.utils.benchmark", "torch.utils.tensorboard", "torch.ops", "torch._ops",
        "torch.classes", "torch._classes", "torch.library", "torch.distributed", "torch.multiprocessing",
        "torch.export", "torch._export", "torch.serialization", "torch.onnx", "torch.testing", "torch.profiler",
        "torch.autograd.profiler", "torch.cuda._memory_viz",
    };
    /** Single callables that call other callables, run processes, or read or write files. */
    private static final String[] DANGEROUS_CALLABLES = {
        "operator.attrgetter", "operator.itemgetter", "operator.methodcaller", "operator.call",
        "functools.partial", "functools.partialmethod", "functools.reduce", "codecs.open", "codecs.EncodedFile",
        "weakref.finalize", "logging.FileHandler", "logging.basicConfig", "torch.load", "torch.save",
        "torch.from_file", "torch.compile", "torch.storage._load_from_bytes", "torch._utils._import_dotted_name",
        "torch.cuda.memory._dump_snapshot", "numpy.load", "numpy.save", "numpy.savez", "numpy.savez_compressed",
        "numpy.savetxt", "numpy.fromfile", "numpy.loadtxt", "numpy.genfromtxt", "numpy.memmap", "numpy.DataSource",
        "pandas.read_pickle",
    };
    /** Value classes inside dangerous modules: constructing one reaches nothing. */
    private static final String[] INERT_VALUE_CLASSES = {
        "pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePath", "pathlib.PurePosixPath",
        "pathlib.PureWindowsPath", "pathlib._local.Path", "pathlib._local.PosixPath", "pathlib._local.WindowsPath",
        "pathlib._local.PurePath", "pathlib._local.PurePosixPath", "pathlib._local.PureWindowsPath",
        "uuid.UUID", "uuid.SafeUUID", "uuid.uuid3", "uuid.uuid4", "uuid.uuid5",
        // the dataclasses of a torch.distributed.checkpoint (DCP) folder's .metadata pickle
        "torch.distributed.checkpoint.metadata.Metadata", "torch.distributed.checkpoint.metadata.MetadataIndex",
        "torch.distributed.checkpoint.metadata.TensorStorageMetadata",
        "torch.distributed.checkpoint.metadata.BytesStorageMetadata",
        "torch.distributed.checkpoint.metadata.ChunkStorageMetadata",
        "torch.distributed.checkpoint.metadata.TensorProperties", "torch.distributed.checkpoint.metadata.StorageMeta",
        "torch.distributed.checkpoint.metadata._MEM_FORMAT_ENCODING",
        "torch.distributed.checkpoint.filesystem._StorageInfo",
        // copyreg's object reconstructors only instantiate classes the pickle names elsewhere
        "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__",
    };
    private static final PolicyTable TABLE = PolicyTable.builder()
            .dangerous(DANGEROUS_MODULES)
            .dangerous(DANGEROUS_CALLABLES)
            .unknown(INERT_VALUE_CLASSES)
            .unknown(INERT_BUILTINS.stream().map(b -> "builtins." + b).toArray(String[]::new))
            // modules inside dangerous ones, or named like one, that only rebuild values
            .unknownBelow("torch.jit._pickle", "numpy.random._pickle")
            .safe("collections.OrderedDict", "collections.Counter", "torch.nn.parameter.Parameter",
                    "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device",
                    "_codecs.encode", "builtins.bytearray", "builtins.set", "builtins.complex",
                    "torch._tensor._rebuild_from_type_v2", "torch.per_tensor_affine", "torch.per_tensor_symmetric",
                    "torch.per_channel_affine", "torch.per_channel_symmetric",
                    "torch.per_channel_affine_float_qparams", "torch.storage.TypedStorage",
                    "torch.storage.UntypedStorage")
            .safe(REBUILD_FUNCTIONS.stream().map(f -> "torch._utils." + f).toArray(String[]::new))
            .safe(DTYPE_NAMES.stream().map(d -> "torch." + d).toArray(String[]::new))
            .build();
    /** Attribute names that are dangerous wherever they are found, as a global's name or a step of one. */
    private static final Set<String> DANGEROUS_NAMES = Set.of(
            "eval", "exec", "execfile", "compile", "getattr", "setattr", "delattr", "open", "breakpoint",
            "globals", "locals", "vars", "input", "system", "popen", "spawn", "load", "loads", "load_library",
            "import_module", "run", "call", "save", "savez", "savetxt", "from_file", "fromfile", "tofile",
            "memmap", "open_memmap", "resolve_name", "pager", "_get_command_stdout");

    private GlobalPolicy() {}

    /**
     * Classifies a global as a pickle names it: the worse of its classes as written and as Python 3 maps it.
     */
    public static GlobalClass classify(String module, String name) {
        GlobalClass asWritten = classifyResolved(PythonCalls.normalizeModule(module), name);
        String[] mapped = Python2Names.map(module, name);
        return worse(asWritten, classifyResolved(mapped[0], mapped[1]));
    }

    /** Classifies {@code module.name}, splitting at the last dot. */
    public static GlobalClass classify(String qualifiedName) {
        int dot = qualifiedName.lastIndexOf('.');
        return dot < 0 ? classify("", qualifiedName) : classify(qualifiedName.substring(0, dot),
                qualifiedName.substring(dot + 1));
    }

    /** The more severe of two classes. */
    public static GlobalClass worse(GlobalClass a, GlobalClass b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static GlobalClass classifyResolved(String module, String name) {
        if (hasControlCharacter(module) || hasControlCharacter(name)) {
            return GlobalClass.DANGEROUS;
        }
        List<String> path = new ArrayList<>();
        if (!module.isEmpty()) {
            path.addAll(List.of(module.split("\\.", -1)));
        }
        path.addAll(List.of(name.split("\\.", -1)));
        if (path.contains("")) {
            return GlobalClass.DANGEROUS;
        }
        GlobalClass literal = literal(path);
        if (literal == GlobalClass.DANGEROUS || aliasIsDangerous(path)) {
            return GlobalClass.DANGEROUS;
        }
        return literal;
    }

    /** The path read as written: the table, the allow-list's name patterns, then dangerous attribute names. */
    private static GlobalClass literal(List<String> path) {
        PolicyTable.Rule rule = TABLE.lookup(path);
        if (rule != null && !rule.coversBelow()) {
            return rule.verdict();
        }
        if (isAllowListed(path)) {
            return GlobalClass.SAFE;
        }
        if (path.size() == 2 && path.get(0).equals("builtins") && isExceptionClass(path.get(1))) {
            return GlobalClass.UNKNOWN;
        }
        if (rule != null && rule.verdict() == GlobalClass.DANGEROUS) {
            return GlobalClass.DANGEROUS;
        }
        // The first segment is a module name (__main__ is one); every later step is an attribute or submodule.
        for (String step : path.subList(1, path.size())) {
            if (isDunder(step) || DANGEROUS_NAMES.contains(step)) {
                return GlobalClass.DANGEROUS;
            }
        }
        if (path.size() == 1 && DANGEROUS_NAMES.contains(path.get(0))) {
            return GlobalClass.DANGEROUS;
        }
        if (isTorchInternalLoader(path)) {
            return GlobalClass.DANGEROUS;
        }
        return rule != null ? rule.verdict() : GlobalClass.UNKNOWN;
    }

    /**
     * Whether another reading of the path is dangerous: a private twin of a module ({@code _operator} is
     * {@code operator}), or any later step that names a module ({@code argparse._os} is {@code os}) read from there.
     * Steps through modules the table itself lists (a real submodule such as {@code numpy.random._pickle}) are
     * read only as written.
     */
    private static boolean aliasIsDangerous(List<String> path) {
        String first = path.get(0);
        String twin = stripUnderscores(first);
        if (!twin.equals(first) && TABLE.isRoot(twin) && literal(reroot(twin, path, 1)) == GlobalClass.DANGEROUS) {
            return true;
        }
        for (int i = 1; i < path.size(); i++) {
            if (TABLE.knows(path.subList(0, i + 1))) {
                continue;
            }
            String step = path.get(i);
            for (String module : new String[] {step, stripUnderscores(step)}) {
                if (TABLE.isRoot(module) && literal(reroot(module, path, i + 1)) == GlobalClass.DANGEROUS) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> reroot(String module, List<String> path, int restFrom) {
        List<String> p = new ArrayList<>();
        p.add(module);
        p.addAll(path.subList(restFrom, path.size()));
        return p;
    }

    /** torch's own name patterns on the allow-list: dtypes, storage and tensor classes. */
    private static boolean isAllowListed(List<String> path) {
        String m = String.join(".", path.subList(0, path.size() - 1));
        String name = path.get(path.size() - 1);
        if ((m.equals("torch") || m.equals("torch.cuda")) && (name.endsWith("Storage") || name.endsWith("Tensor"))) {
            return true;
        }
        return (m.equals("torch.sparse") || m.equals("torch.cuda.sparse")) && name.endsWith("Tensor");
    }

    /** torch._C's TorchScript and loading entry points. */
    private static boolean isTorchInternalLoader(List<String> path) {
        if (path.size() < 3 || !path.get(0).equals("torch") || !path.get(1).equals("_C")) {
            return false;
        }
        for (String step : path.subList(2, path.size())) {
            if (step.startsWith("_jit") || step.contains("load") || step.contains("import")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isExceptionClass(String name) {
        return name.endsWith("Error") || name.endsWith("Exception") || name.endsWith("Warning")
                || name.equals("StopIteration") || name.equals("GeneratorExit") || name.equals("KeyboardInterrupt")
                || name.equals("SystemExit") || name.equals("StopAsyncIteration") || name.equals("BaseExceptionGroup")
                || name.equals("ExceptionGroup");
    }

    private static String stripUnderscores(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '_') {
            i++;
        }
        return s.substring(i);
    }

    private static boolean isDunder(String s) {
        return s.length() > 4 && s.startsWith("__") && s.endsWith("__");
    }

    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }
}
