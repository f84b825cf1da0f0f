package org.ckptinspector.gui;

import com.sun.javafx.scene.input.DragboardHelper;
import com.sun.javafx.tk.TKClipboard;
import java.security.AccessControlContext;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javafx.scene.image.Image;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.util.Pair;

/**
 * Real {@link Dragboard}s for simulated drops: the headless platform has no native drag source, so the board
 * is backed by an in-memory peer and handed to DragEvents fired at the app's own handlers.
 */
final class TestDragboards {
    private TestDragboards() {}

    static Dragboard holding(ClipboardContent content) {
        Dragboard db = DragboardHelper.createDragboard(new MemoryPeer());
        db.setContent(content);
        DragboardHelper.setDataAccessRestriction(db, false);
        return db;
    }

    /** An in-memory clipboard peer offering every transfer mode. */
    private static final class MemoryPeer implements TKClipboard {
        private final Map<DataFormat, Object> content = new LinkedHashMap<>();
        private Image view;
        private double dx;
        private double dy;

        @Override
        public void setSecurityContext(AccessControlContext ctx) {
            // no security manager in tests
        }

        @Override
        public Set<DataFormat> getContentTypes() {
            return content.keySet();
        }

        @Override
        @SafeVarargs
        public final boolean putContent(Pair<DataFormat, Object>... items) {
            content.clear();
            for (Pair<DataFormat, Object> p : items) {
                content.put(p.getKey(), p.getValue());
            }
            return true;
        }

        @Override
        public Object getContent(DataFormat f) {
            return content.get(f);
        }

        @Override
        public boolean hasContent(DataFormat f) {
            return content.containsKey(f);
        }

        @Override
        public Set<TransferMode> getTransferModes() {
            return EnumSet.allOf(TransferMode.class);
        }

        @Override
        public void setDragView(Image image) {
            view = image;
        }

        @Override
        public void setDragViewOffsetX(double x) {
            dx = x;
        }

        @Override
        public void setDragViewOffsetY(double y) {
            dy = y;
        }

        @Override
        public Image getDragView() {
            return view;
        }

        @Override
        public double getDragViewOffsetX() {
            return dx;
        }

        @Override
        public double getDragViewOffsetY() {
            return dy;
        }
    }
}
