package org.ckptinspector.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the stats command lands. */
@Command(name = "stats", description = "(not yet available)")
final class StatsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("stats is not available yet");
    }
}
