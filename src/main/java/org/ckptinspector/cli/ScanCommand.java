package org.ckptinspector.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the scan command lands. */
@Command(name = "scan", description = "(not yet available)")
final class ScanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("scan is not available yet");
    }
}
