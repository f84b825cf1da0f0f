package org.ckptinspector.gui.training;

import javafx.scene.Node;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;

/** The left column's two views of a file: its layers (tensors) and its contents (training state and values). */
public final class ContentsTabs {
    private ContentsTabs() {}

    /** Tabs "Layers" and "Contents" holding the two views. */
    public static TabPane of(Node layers, Node contents) {
        Tab layersTab = new Tab("Layers", layers);
        layersTab.setId("layersTab");
        Tab contentsTab = new Tab("Contents", contents);
        contentsTab.setId("contentsTab");
        TabPane tabs = new TabPane(layersTab, contentsTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setId("leftTabs");
        tabs.getStyleClass().add("left-tabs");
        return tabs;
    }
}
