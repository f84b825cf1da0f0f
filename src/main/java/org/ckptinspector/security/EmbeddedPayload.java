package org.ckptinspector.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.pickle.Opcode;
import org.ckptinspector.task.TaskMonitor;

/**
 * A bytes or str argument that may itself be a pickle: the payload of a {@code pickle.loads} or
 * {@code torch.storage._load_from_bytes} call. One that starts with PROTO is scanned like a record and whatever
 * it names is reported; one without a PROTO header (protocol 0 and 1 need none) could be any text, so its globals
 * are reported only when it reads as one complete pickle. Either way the call that would unpickle it names a
 * dangerous global of its own, so this adds detail to a verdict that is already dangerous.
 */
final class EmbeddedPayload {
    /** Shortest argument tried: a pickle that names a global needs more. */
    static final int MIN_LENGTH = 6;
    private static final int PROTO = 0x80;
    private static final int HIGHEST_PROTOCOL = 5;

    private final ScanCollector out;
    private final TaskMonitor monitor;
    private final PickleScanner.ContainerPayloads containers;

    EmbeddedPayload(ScanCollector out, TaskMonitor monitor, PickleScanner.ContainerPayloads containers) {
        this.out = out;
        this.monitor = monitor;
        this.containers = containers;
    }

    /** True when a text argument's first character could start a pickle or a zip. */
    static boolean mayStart(char c) {
        return c <= 0xff && (Opcode.of(c) != null || c == 'P');
    }

    /** The bytes a str stands for: Latin-1 when every character fits (protocol 2 pickles bytes that way). */
    static ByteRegion bytesOf(String text) {
        boolean latin1 = true;
        for (int i = 0; i < text.length() && latin1; i++) {
            latin1 = text.charAt(i) <= 0xff;
        }
        return ByteRegion.of(text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    }

    /** Scans {@code payload} if it may be a pickle or a container, with findings named after {@code record}. */
    void scan(ByteRegion payload, String record, String source, int depth) throws IOException {
        if (payload.length() < MIN_LENGTH) {
            return;
        }
        ScanCollector trial = new ScanCollector();
        boolean strict = false;
        if (!containers.scan(payload, record, trial, depth)) {
            ByteBuffer head = payload.slice(0, 2);
            int first = head.get(0) & 0xff;
            boolean framed = first == PROTO && (head.get(1) & 0xff) <= HIGHEST_PROTOCOL;
            if (first == PROTO && !framed || Opcode.of(first) == null) {
                return;
            }
            new PickleScanner(trial, monitor, containers, depth).scanRecord(payload, record, source);
            strict = !framed;
        }
        if (trial.found() == 0 || strict && trial.hasErrors()) {
            return;
        }
        out.addAll(trial);
    }
}
