package org.ckptinspector.gui.open;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The most recently opened files, newest first, kept in the user's preferences across runs. */
public final class RecentFiles {
    static final int MAX = 10;
    private static final String KEY = "recent.files";

    private final Preferences prefs;
    private final ObservableList<Path> files = FXCollections.observableArrayList();
    /**
     * The one read-only view handed out: a view listens to the list only weakly, so a view made per call (and
     * listened to by a menu) could be collected, and the menu would stop following the list.
     */
    private final ObservableList<Path> view = FXCollections.unmodifiableObservableList(files);

    /** @param prefs where the list is kept; tests pass a throwaway node */
    public RecentFiles(Preferences prefs) {
        this.prefs = prefs;
        for (String line : prefs.get(KEY, "").split("\n")) {
            if (!line.isBlank()) {
                files.add(Path.of(line));
            }
        }
    }

    /** The user's own list. */
    public static RecentFiles forUser() {
        return new RecentFiles(Preferences.userNodeForPackage(RecentFiles.class));
    }

    /** Where the list is kept; other per-user settings of the window live there too. */
    public Preferences preferences() {
        return prefs;
    }

    /** Newest first; the view updates its menu from this list. */
    public ObservableList<Path> files() {
        return view;
    }

    /** Moves {@code file} to the top, dropping the oldest beyond {@value #MAX}. */
    public void add(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        List<Path> next = new ArrayList<>(files);
        next.remove(abs);
        next.add(0, abs);
        while (next.size() > MAX) {
            next.remove(next.size() - 1);
        }
        files.setAll(next);
        save();
    }

    public void remove(Path file) {
        files.remove(file);
        save();
    }

    private void save() {
        StringBuilder b = new StringBuilder();
        for (Path p : files) {
            b.append(p).append('\n');
        }
        // A preference value is limited to 8 KiB; drop the oldest names if long paths exceed it.
        String value = b.toString();
        while (value.length() > Preferences.MAX_VALUE_LENGTH) {
            value = value.substring(0, value.lastIndexOf('\n', value.length() - 2) + 1);
        }
        prefs.put(KEY, value);
    }
}
