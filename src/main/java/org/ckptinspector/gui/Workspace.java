package org.ckptinspector.gui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.ckptinspector.app.OpenedCheckpoint;

/** The files the window works on: the open checkpoint (A) and, in diff mode, the comparison (B). */
public final class Workspace {
    private final ObjectProperty<OpenedCheckpoint> primary = new SimpleObjectProperty<>();
    private final ObjectProperty<OpenedCheckpoint> comparison = new SimpleObjectProperty<>();

    public ObjectProperty<OpenedCheckpoint> primaryProperty() {
        return primary;
    }

    public ObjectProperty<OpenedCheckpoint> comparisonProperty() {
        return comparison;
    }

    public OpenedCheckpoint primary() {
        return primary.get();
    }

    public OpenedCheckpoint comparison() {
        return comparison.get();
    }

    /** Replaces A, closing the old file and ending any comparison. */
    public void setPrimary(OpenedCheckpoint doc) {
        OpenedCheckpoint old = primary.get();
        setComparison(null);
        primary.set(doc);
        if (old != null && old != doc) {
            old.close();
        }
    }

    /** Replaces B (null ends the comparison), closing the old comparison file. */
    public void setComparison(OpenedCheckpoint doc) {
        OpenedCheckpoint old = comparison.get();
        comparison.set(doc);
        if (old != null && old != doc) {
            old.close();
        }
    }

    public void closeAll() {
        setPrimary(null);
    }
}
