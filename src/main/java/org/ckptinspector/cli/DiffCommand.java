package org.ckptinspector.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the diff command lands. */
@Command(name = "diff", description = "(not yet available)")
final class DiffCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("diff is not available yet");
    }
}
