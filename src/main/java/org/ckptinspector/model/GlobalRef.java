package org.ckptinspector.model;

/**
 * A global a pickle names, and where: the record ({@code archive/data.pkl}, {@code pickle 4}) and the byte offset
 * of the opcode that names it within that record.
 */
public record GlobalRef(String module, String name, String record, long offset) {

    /** {@code module.name}. */
    public String qualifiedName() {
        return module + "." + name;
    }
}
