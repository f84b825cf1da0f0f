package org.ckptinspector.security;

/** How far a global a pickle names can be trusted. */
public enum GlobalClass {
    /** On torch's {@code weights_only} allow-list. */
    SAFE("safe"),
    /** Neither allowed nor known to be dangerous: model classes, numpy, argparse. */
    UNKNOWN("unknown"),
    /** Can run code or touch files, processes or the network when unpickled by Python. */
    DANGEROUS("dangerous");

    private final String id;

    GlobalClass(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
