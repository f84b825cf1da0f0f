package org.ckptinspector.gui;

import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The work area's layout: the tree column (tabs over the diff panel) beside the detail pane over the basket. */
final class WorkArea {
    private WorkArea() {}

    static SplitPane of(Node treeTabs, Node diffPanel, Node detail, Node basket) {
        VBox treeColumn = new VBox(treeTabs, diffPanel);
        treeColumn.getStyleClass().add("tree-column");
        VBox.setVgrow(treeTabs, Priority.ALWAYS);
        VBox detailColumn = new VBox(detail, basket);
        VBox.setVgrow(detail, Priority.ALWAYS);
        SplitPane area = new SplitPane(treeColumn, detailColumn);
        area.setOrientation(Orientation.HORIZONTAL);
        area.setDividerPositions(0.56);
        area.getStyleClass().add("work-area");
        return area;
    }
}
