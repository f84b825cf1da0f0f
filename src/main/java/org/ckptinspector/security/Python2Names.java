package org.ckptinspector.security;

import java.util.HashMap;
import java.util.Map;

/**
 * Python 3's {@code _compat_pickle} mapping of Python 2 module and global names, which {@code pickle} applies to
 * every GLOBAL of a protocol 0–2 pickle before importing: {@code cPickle.loads} runs {@code pickle.loads},
 * {@code commands.getoutput} runs {@code subprocess.getoutput}. The classification must see the mapped name.
 */
final class Python2Names {
    private static final Map<String, String> MODULES = pairs(
            "__builtin__", "builtins", "copy_reg", "copyreg", "Queue", "queue", "SocketServer", "socketserver",
            "ConfigParser", "configparser", "repr", "reprlib", "tkFileDialog", "tkinter.filedialog",
            "tkSimpleDialog", "tkinter.simpledialog", "tkColorChooser", "tkinter.colorchooser",
            "tkCommonDialog", "tkinter.commondialog", "Dialog", "tkinter.dialog", "Tkdnd", "tkinter.dnd",
            "tkFont", "tkinter.font", "tkMessageBox", "tkinter.messagebox", "ScrolledText", "tkinter.scrolledtext",
            "Tkconstants", "tkinter.constants", "Tix", "tkinter.tix", "ttk", "tkinter.ttk", "Tkinter", "tkinter",
            "markupbase", "_markupbase", "_winreg", "winreg", "thread", "_thread", "dummy_thread", "_dummy_thread",
            "dbhash", "dbm.bsd", "dumbdbm", "dbm.dumb", "dbm", "dbm.ndbm", "gdbm", "dbm.gnu",
            "xmlrpclib", "xmlrpc.client", "SimpleXMLRPCServer", "xmlrpc.server", "httplib", "http.client",
            "htmlentitydefs", "html.entities", "HTMLParser", "html.parser", "Cookie", "http.cookies",
            "cookielib", "http.cookiejar", "BaseHTTPServer", "http.server", "test.test_support", "test.support",
            "commands", "subprocess", "urlparse", "urllib.parse", "robotparser", "urllib.robotparser",
            "urllib2", "urllib.request", "anydbm", "dbm", "_abcoll", "collections.abc", "cPickle", "pickle",
            "_elementtree", "xml.etree.ElementTree", "FileDialog", "tkinter.filedialog",
            "SimpleDialog", "tkinter.simpledialog", "DocXMLRPCServer", "xmlrpc.server",
            "SimpleHTTPServer", "http.server", "CGIHTTPServer", "http.server", "UserDict", "collections",
            "UserList", "collections", "UserString", "collections", "whichdb", "dbm", "StringIO", "io",
            "cStringIO", "io");
    /** NAME_MAPPING without its 40-odd {@code exceptions.X → builtins.X} entries, which the module map covers. */
    private static final Map<String, String> NAMES = pairs(
            "__builtin__.xrange", "builtins.range", "__builtin__.reduce", "functools.reduce",
            "__builtin__.intern", "sys.intern", "__builtin__.unichr", "builtins.chr",
            "__builtin__.unicode", "builtins.str", "__builtin__.long", "builtins.int",
            "__builtin__.basestring", "builtins.str", "itertools.izip", "builtins.zip",
            "itertools.imap", "builtins.map", "itertools.ifilter", "builtins.filter",
            "itertools.ifilterfalse", "itertools.filterfalse", "itertools.izip_longest", "itertools.zip_longest",
            "UserDict.IterableUserDict", "collections.UserDict", "UserDict.UserDict", "collections.UserDict",
            "UserList.UserList", "collections.UserList", "UserString.UserString", "collections.UserString",
            "whichdb.whichdb", "dbm.whichdb", "_socket.fromfd", "socket.fromfd",
            "socket._socketobject", "socket.SocketType",
            "_multiprocessing.Connection", "multiprocessing.connection.Connection",
            "multiprocessing.process.Process", "multiprocessing.context.Process",
            "multiprocessing.forking.Popen", "multiprocessing.popen_fork.Popen",
            "multiprocessing.AuthenticationError", "multiprocessing.context.AuthenticationError",
            "multiprocessing.BufferTooShort", "multiprocessing.context.BufferTooShort",
            "multiprocessing.ProcessError", "multiprocessing.context.ProcessError",
            "multiprocessing.TimeoutError", "multiprocessing.context.TimeoutError",
            "urllib.ContentTooShortError", "urllib.error.ContentTooShortError",
            "urllib.getproxies", "urllib.request.getproxies", "urllib.pathname2url", "urllib.request.pathname2url",
            "urllib.quote_plus", "urllib.parse.quote_plus", "urllib.quote", "urllib.parse.quote",
            "urllib.unquote_plus", "urllib.parse.unquote_plus", "urllib.unquote", "urllib.parse.unquote",
            "urllib.url2pathname", "urllib.request.url2pathname", "urllib.urlcleanup", "urllib.request.urlcleanup",
            "urllib.urlencode", "urllib.parse.urlencode", "urllib.urlopen", "urllib.request.urlopen",
            "urllib.urlretrieve", "urllib.request.urlretrieve", "urllib2.HTTPError", "urllib.error.HTTPError",
            "urllib2.URLError", "urllib.error.URLError", "exceptions.StandardError", "builtins.Exception");

    private Python2Names() {}

    /** The {@code {module, name}} Python 3 imports for a Python 2 GLOBAL; the input when unmapped. */
    static String[] map(String module, String name) {
        String whole = NAMES.get(module + "." + name);
        if (whole != null) {
            int dot = whole.lastIndexOf('.');
            return new String[] {whole.substring(0, dot), whole.substring(dot + 1)};
        }
        if (module.equals("exceptions")) {
            return new String[] {"builtins", name};
        }
        return new String[] {MODULES.getOrDefault(module, module), name};
    }

    private static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Map.copyOf(m);
    }
}
