package org.ckptinspector.gui.detail;

import java.util.function.Consumer;
import javafx.scene.Node;
import org.ckptinspector.gui.task.MonitoredTask;

/** Runs work for a view in the background: {@code done} gets its result, {@code failed} a node saying why. */
@FunctionalInterface
interface Loader {
    <T> void load(String title, MonitoredTask.Work<T> work, Consumer<T> done, Consumer<Node> failed);
}
