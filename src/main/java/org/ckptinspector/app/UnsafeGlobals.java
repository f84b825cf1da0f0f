package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.GlobalPolicy;

/** The globals of a checkpoint outside torch's weights_only allow-list, dangerous ones first. */
public final class UnsafeGlobals {
    private UnsafeGlobals() {}

    /** One global the file names, with how far it can be trusted. */
    public record Finding(String name, GlobalClass verdict) {}

    /** The unsafe ones among {@code globals} (every global the file's pickles name). */
    public static List<Finding> of(List<String> globals) {
        List<Finding> out = new ArrayList<>();
        for (String name : globals) {
            GlobalClass g = GlobalPolicy.classify(name);
            if (g != GlobalClass.SAFE) {
                out.add(new Finding(name, g));
            }
        }
        out.sort(Comparator.comparing((Finding f) -> f.verdict() != GlobalClass.DANGEROUS));
        return out;
    }

    /** The banner's headline for these findings. */
    public static String headline(List<Finding> findings) {
        long dangerous = findings.stream().filter(f -> f.verdict() == GlobalClass.DANGEROUS).count();
        String what = findings.size() == 1 ? "1 global" : findings.size() + " globals";
        if (dangerous > 0) {
            return "Dangerous: this file names " + what + " that can run code when loaded with torch.load "
                    + "(weights_only=False). Nothing in it was executed here.";
        }
        return "This file names " + what + " outside torch's weights_only allow-list, so "
                + "torch.load(weights_only=True) refuses it. Nothing in it was executed here.";
    }
}
