#!/bin/sh
# Command line of Checkpoint Inspector, written by its package (removed with it).
# Template: packaging/linux/command.sh; the package's postinst (and bench/startup-bench.sh for an app image) puts
# the app image's lib folder and the desktop launcher in place of the two @…@ words.
lib=@LIB@
case "$1" in
    inspect|stats|diff|export|scan|trajectory|help|-h|--help|-V|--version)
        # Where the kernel gives transparent huge pages only on request, ask for them for the heap: a command's few
        # MB of fresh heap then cost a handful of page faults instead of one per 4 KiB. The JVM warns when THP is
        # off, so nothing is passed elsewhere.
        thp=
        { read -r thp < /sys/kernel/mm/transparent_hugepage/enabled; } 2>/dev/null
        case "$thp" in *"[madvise]"*) thp=-XX:+UseTransparentHugePages ;; *) thp= ;; esac
        # inspect and --version start from a cache of their own classes only (the JVM loads all of a cache's).
        # inspect reads metadata: its runs are short, and C2's compilations cost them more than they return.
        # --hash digests every byte, which C2's SHA-256 intrinsic does far faster than C1 code.
        cache=cli.aot
        jit=
        case "$1" in
            inspect)
                cache=inspect.aot
                case " $* " in *" --hash "*) ;; *) jit=-XX:TieredStopAtLevel=1 ;; esac ;;
            -V|--version) cache=inspect.aot ;;
        esac
        exec "$lib/runtime/bin/java" -XX:AOTCache="$lib/app/$cache" $thp $jit -Xlog:all=off -Xlog:all=warning:stderr \
            -cp "$lib/app/checkpoint-inspector.jar" org.ckptinspector.Main "$@" ;;
esac
exec @LAUNCHER@ "$@"
