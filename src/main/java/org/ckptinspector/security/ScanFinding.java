package org.ckptinspector.security;

import org.ckptinspector.model.GlobalRef;

/** One global a pickle names, where it names it, and how far it can be trusted. */
public record ScanFinding(GlobalRef global, GlobalClass globalClass) {

    /** {@code module.name} as written in the pickle. */
    public String name() {
        return global.qualifiedName();
    }
}
