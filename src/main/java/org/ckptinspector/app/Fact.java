package org.ckptinspector.app;

/** One labelled line of the detail pane ({@code stride: [10, 1]}). */
public record Fact(String label, String value) {}
