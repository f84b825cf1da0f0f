package org.ckptinspector.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
