package org.ckptinspector.gui;

import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.stage.Stage;
import org.ckptinspector.app.ErrorMessages;

/** A failure in plain words, in a dialog owned by the window and styled like it. */
final class ErrorDialog {
    private ErrorDialog() {}

    static void show(Stage owner, Scene scene, String title, Throwable error) {
        Alert alert = new Alert(Alert.AlertType.ERROR, ErrorMessages.of(error), ButtonType.OK);
        alert.initOwner(owner);
        alert.setTitle(title);
        alert.setHeaderText(title);
        alert.getDialogPane().getStylesheets().addAll(scene.getStylesheets());
        alert.getDialogPane().setId("errorDialog");
        alert.show();
    }
}
