package org.ckptinspector.model;

/** A tensor's memory layout; sparse tensors carry their parts as component tensors. */
public enum Layout {
    STRIDED("strided"),
    SPARSE_COO("sparse_coo"),
    SPARSE_CSR("sparse_csr"),
    SPARSE_CSC("sparse_csc"),
    SPARSE_BSR("sparse_bsr"),
    SPARSE_BSC("sparse_bsc"),
    /** A tensor on the meta device: shape and dtype only, no data. */
    META("meta");

    private final String id;

    Layout(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
