package org.ckptinspector.gui.open;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.collections.ListChangeListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recent-files list as the menu and the start screen follow it. */
class RecentFilesTest {
    private final Preferences prefs = Preferences.userRoot().node("ckptinspector-test-recent-" + System.nanoTime());

    @AfterEach
    void removeNode() throws BackingStoreException {
        prefs.removeNode();
    }

    @Test
    void aListenerOnTheListStillHearsOfFilesOpenedAfterAGarbageCollection() throws InterruptedException {
        RecentFiles recent = new RecentFiles(prefs);
        List<Path> heard = new ArrayList<>();
        recent.files().addListener((ListChangeListener<Path>) c -> heard.add(recent.files().get(0)));
        // Collect until a throwaway weak reference is cleared: the weak references of that collection are gone.
        WeakReference<Object> probe = new WeakReference<>(new Object());
        for (int i = 0; i < 50 && probe.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        recent.add(Path.of("simple_adam.pt"));
        assertEquals(List.of(Path.of("simple_adam.pt").toAbsolutePath()), heard);
    }

    @Test
    void theNewestComesFirstAndTheListKeepsItsBoundAcrossRuns() {
        RecentFiles recent = new RecentFiles(prefs);
        for (int i = 0; i <= RecentFiles.MAX; i++) {
            recent.add(Path.of("run" + i + ".pt"));
        }
        recent.add(Path.of("run3.pt"));
        List<Path> again = new RecentFiles(prefs).files();
        assertEquals(RecentFiles.MAX, again.size());
        assertEquals(Path.of("run3.pt").toAbsolutePath(), again.get(0));
        assertEquals(Path.of("run10.pt").toAbsolutePath(), again.get(1));
        assertEquals(Path.of("run1.pt").toAbsolutePath(), again.get(RecentFiles.MAX - 1), "run0 dropped");
    }
}
