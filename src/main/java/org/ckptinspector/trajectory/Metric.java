package org.ckptinspector.trajectory;

/** A figure tracked per step, with its name in the JSON and CSV reports. */
public enum Metric {
    /** ‖x_i‖ over the finite values. */
    NORM("norm"),
    /** ‖x_i − x_{i−1}‖ / ‖x_{i−1}‖; null at the first step and where step i−1 lacks the tensor. */
    REL_PREV("rel_prev"),
    /** ‖x_i − x_first‖ / ‖x_first‖, against the first step that holds the tensor. */
    REL_FIRST("rel_first"),
    /** x_i·x_last / (‖x_i‖ ‖x_last‖), against the last step that holds the tensor. */
    COS_LAST("cos_last"),
    /** Elements that differ from the previous step, over all elements. */
    CHANGED_FRACTION("changed_fraction"),
    /** max |x_i − x_{i−1}|. */
    MAX_ABS_DIFF("max_abs_diff");

    private final String id;

    Metric(String id) {
        this.id = id;
    }

    /** The name used in the reports. */
    public String id() {
        return id;
    }
}
