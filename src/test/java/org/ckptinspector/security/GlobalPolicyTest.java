package org.ckptinspector.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The classification against torch's own verdicts and the CLI contract's list of dangerous globals. */
class GlobalPolicyTest {

    /** Every global of every fixture that torch 2.13 loaded with weights_only=True is on the allow-list. */
    @Test
    void globalsOfFilesTorchLoadsWeightsOnlyAreSafe() {
        int checked = 0;
        for (Fixtures.Entry e : Fixtures.entries()) {
            JsonNode load = e.node().get("weights_only_load");
            JsonNode pickle = e.node().get("pickle");
            if (!e.version().equals("torch-2.13") || load == null || !load.get("ok").asBoolean() || pickle == null) {
                continue;
            }
            for (JsonNode g : pickle.get("globals")) {
                assertEquals(GlobalClass.SAFE, GlobalPolicy.classify(g.asText()), e.name() + ": " + g.asText());
                checked++;
            }
        }
        assertEquals(true, checked > 50, "checked " + checked);
    }

    /** torch refused these fixtures for a global it does not allow; the scan must not call them safe. */
    @Test
    void globalsTorchRefusesAreNotSafe() {
        for (Fixtures.Entry e : Fixtures.entries()) {
            JsonNode load = e.node().get("weights_only_load");
            if (load == null || load.get("ok").asBoolean() || !load.get("error").asText().contains("GLOBAL ")) {
                continue;
            }
            String error = load.get("error").asText();
            String refused = error.substring(error.indexOf("GLOBAL ") + 7).split(" ")[0];
            assertEquals(GlobalClass.UNKNOWN, GlobalPolicy.classify(refused), e.name() + ": " + refused);
        }
    }

    @ParameterizedTest
    @CsvSource({
        // the contract's examples
        "os,system", "posix,system", "nt,system", "subprocess,Popen", "sys,modules", "builtins,eval",
        "builtins,exec", "builtins,compile", "builtins,getattr", "builtins,__import__", "builtins,open",
        "builtins,breakpoint", "runpy,run_path", "importlib,import_module", "marshal,loads", "pickle,loads",
        "_pickle,loads", "shutil,rmtree", "socket,socket", "webbrowser,open", "ctypes,CDLL", "operator,attrgetter",
        "operator,itemgetter", "operator,methodcaller", "functools,partial", "types,CodeType",
        "torch.serialization,load",
        // submodules, Python 2 spellings and names pickle maps to dangerous ones
        "os.path,join", "__builtin__,eval", "__builtin__,reduce", "__builtin__,intern", "cPickle,loads",
        "commands,getoutput", "urllib,urlopen", "_socket,fromfd", "copy_reg,add_extension",
        // loaders that unpickle or read other files, and torch's own
        "torch.storage,_load_from_bytes", "torch,load", "torch._utils,_import_dotted_name", "torch.hub,load",
        "torch.jit,load", "torch.fx.graph_module,reduce_graph_module", "numpy,load", "numpy.lib.format,read_array",
        "pandas,read_pickle", "io,BytesIO", "codecs,open", "builtins,type", "builtins,help",
        // protocol 4 walks dotted names attribute by attribute
        "torch,serialization.os.system", "collections,OrderedDict.__init__.__globals__", "torch,serialization.load",
        "builtins,object.__subclasses__", "torch._utils,os"
    })
    void dangerous(String module, String name) {
        assertEquals(GlobalClass.DANGEROUS, GlobalPolicy.classify(module, name), module + "." + name);
    }

    /** Issue 13, class 5: private twins of dangerous modules, and attribute paths that alias a module. */
    @ParameterizedTest
    @CsvSource({
        "_operator,attrgetter", "_operator,methodcaller", "_operator,call", "operator,call", "_functools,reduce",
        "_functools,partial", "_io,FileIO", "_pyio,FileIO", "argparse,_os.system", "argparse,_os.getcwd",
        "argparse._os,remove", "logging,os.remove", "tempfile,_shutil.rmtree", "collections,_sys.exit",
        "numpy,core.numeric.os.remove", "torch,nn.modules.module.torch.load", "some.model,builtins.print",
        "__main__,trace", "torch.distributed.checkpoint.metadata,os.remove"
    })
    void aliasesAndTwins(String module, String name) {
        assertEquals(GlobalClass.DANGEROUS, GlobalPolicy.classify(module, name), module + "." + name);
    }

    /** Issue 13, class 5: callables that reach processes, files or code. */
    @ParameterizedTest
    @CsvSource({
        "uuid,_get_command_stdout", "uuid,getnode", "_osx_support,_read_output", "_osx_support,customize_compiler",
        "_aix_support,_read_cmd_output", "_pyrepl.pager,pipe_pager", "_pyrepl.pager,get_pager", "mailcap,findmatch",
        "logging,FileHandler", "logging.handlers,RotatingFileHandler", "logging.handlers,SysLogHandler",
        "logging.config,fileConfig", "logging,basicConfig", "idlelib.pyshell,main", "lib2to3.main,main",
        "torch.utils.bottleneck.__main__,run_cprofile", "torch,UntypedStorage.from_file",
        "torch.storage,TypedStorage.from_file", "torch,FloatStorage.from_file",
        "torch.storage,UntypedStorage.from_file",
        "numpy._core.memmap,memmap", "numpy.core.memmap,memmap", "numpy,memmap", "numpy._core,memmap",
        "numpy,savez_compressed", "numpy.lib._npyio_impl,load", "pip,main", "pip._internal.cli.main,main",
        "ensurepip,bootstrap", "venv,create", "pty,spawn", "code,InteractiveInterpreter", "pydoc,pipepager",
        "pydoc,locate", "bdb,Bdb", "pdb,Pdb", "profile,Profile", "cProfile,Profile", "timeit,Timer", "trace,Trace",
        "doctest,debug_script", "webbrowser,open_new", "numpy.f2py,compile", "torch._inductor.codecache,PyCodeCache",
        "pkgutil,resolve_name", "weakref,finalize", "atexit,register", "unittest,main", "compileall,compile_dir",
        "torch.onnx,export", "torch.utils.tensorboard.writer,SummaryWriter", "pathlib,PosixPath.write_text",
        "pathlib,Path.home", "uuid,UUID.__reduce__", "copyreg,add_extension"
    })
    void reachProcessesFilesOrCode(String module, String name) {
        assertEquals(GlobalClass.DANGEROUS, GlobalPolicy.classify(module, name), module + "." + name);
    }

    /** Issue 13, class 5: value classes that only look dangerous because of their module. */
    @ParameterizedTest
    @CsvSource({
        "pathlib,PosixPath", "pathlib,WindowsPath", "pathlib,Path", "pathlib,PurePosixPath",
        "pathlib._local,PosixPath", "uuid,UUID",
        "torch.distributed.checkpoint.metadata,Metadata", "torch.distributed.checkpoint.metadata,MetadataIndex",
        "torch.distributed.checkpoint.metadata,TensorStorageMetadata",
        "torch.distributed.checkpoint.metadata,BytesStorageMetadata",
        "torch.distributed.checkpoint.metadata,ChunkStorageMetadata",
        "torch.distributed.checkpoint.metadata,TensorProperties", "torch.distributed.checkpoint.metadata,StorageMeta",
        "torch.distributed.checkpoint.metadata,_MEM_FORMAT_ENCODING",
        "torch.distributed.checkpoint.filesystem,_StorageInfo",
        "numpy.random._pickle,__randomstate_ctor", "numpy.random._pickle,__generator_ctor",
        "logging,getLogger", "logging,LogRecord", "mmengine.logging.history_buffer,HistoryBuffer",
        "builtins,ValueError", "_collections,OrderedDict", "codecs,lookup"
    })
    void lookAlikesStayUnknown(String module, String name) {
        assertEquals(GlobalClass.UNKNOWN, GlobalPolicy.classify(module, name), module + "." + name);
    }

    /** The verdict is the path's, wherever a pickle or a report splits it into module and name. */
    @ParameterizedTest
    @CsvSource({"argparse._os.getcwd", "torch.UntypedStorage.from_file", "pathlib.PosixPath",
        "torch.distributed.checkpoint.metadata.Metadata", "torch._utils._rebuild_tensor_v2", "_operator.attrgetter",
        "collections.OrderedDict.fromkeys", "numpy.random._pickle.__randomstate_ctor"})
    void theSplitDoesNotMatter(String qualified) {
        GlobalClass whole = GlobalPolicy.classify(qualified);
        for (int dot = qualified.indexOf('.'); dot >= 0; dot = qualified.indexOf('.', dot + 1)) {
            assertEquals(whole, GlobalPolicy.classify(qualified.substring(0, dot), qualified.substring(dot + 1)),
                    qualified + " split at " + dot);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "__main__,Net", "numpy,ndarray", "numpy.core.multiarray,_reconstruct", "numpy,dtype", "argparse,Namespace",
        "torch.nn.modules.linear,Linear", "copyreg,_reconstructor", "copy_reg,_reconstructor",
        "builtins,dict", "exceptions,ValueError", "builtins,object", "torch.jit._pickle,build_intlist",
        "collections,OrderedDict.fromkeys", "torch._utils,_get_async_or_non_blocking"
    })
    void unknown(String module, String name) {
        assertEquals(GlobalClass.UNKNOWN, GlobalPolicy.classify(module, name), module + "." + name);
    }

    @ParameterizedTest
    @CsvSource({
        "collections,OrderedDict", "torch._utils,_rebuild_tensor_v2", "torch,FloatStorage", "torch,bfloat16",
        "torch.cuda,HalfTensor", "__builtin__,set", "_codecs,encode", "torch.serialization,_get_layout",
        "torch,_utils._rebuild_tensor_v2", "torch.storage,UntypedStorage", "torch,per_channel_affine"
    })
    void safe(String module, String name) {
        assertEquals(GlobalClass.SAFE, GlobalPolicy.classify(module, name), module + "." + name);
    }

    @Test
    void qualifiedNamesSplitAtTheLastDot() {
        assertEquals(GlobalClass.DANGEROUS, GlobalPolicy.classify("os.system"));
        assertEquals(GlobalClass.SAFE, GlobalPolicy.classify("torch._utils._rebuild_tensor_v2"));
        assertEquals(GlobalClass.UNKNOWN, GlobalPolicy.classify("Net"));
    }
}
