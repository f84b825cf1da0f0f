package org.ckptinspector.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the export command lands. */
@Command(name = "export", description = "(not yet available)")
final class ExportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("export is not available yet");
    }
}
