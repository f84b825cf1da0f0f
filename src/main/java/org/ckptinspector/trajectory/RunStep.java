package org.ckptinspector.trajectory;

import java.nio.file.Path;

/** One checkpoint of a run: its file and the step it names (null when the run is ordered by file name). */
public record RunStep(Path file, Long step) {}
