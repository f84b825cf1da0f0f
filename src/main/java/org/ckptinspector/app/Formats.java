package org.ckptinspector.app;

import java.util.Locale;

/** Number and size formatting shared by the tree, the detail pane and the status bar. */
public final class Formats {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Formats() {}

    /** {@code 1,234,567}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 1.20 M}, {@code 537.0 M}, {@code 7.00 B}, {@code 950}: parameter counts as papers write them. */
    public static String compactCount(long n) {
        if (n < 1000 && n > -1000) {
            return Long.toString(n);
        }
        String[] suffix = {"K", "M", "B", "T", "P", "E"};
        double v = Math.abs((double) n);
        int i = -1;
        while (v >= 1000 && i < suffix.length - 1) {
            v /= 1000;
            i++;
        }
        if (v >= 999.95 && i < suffix.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%s%.2f %s" : "%s%.1f %s", n < 0 ? "-" : "", v, suffix[i]);
    }

    /** {@code 512 B}, {@code 3.4 KiB}, {@code 1.25 GiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int i = 0;
        while (v >= 1024 && i < UNITS.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, UNITS[i]);
    }

    /** {@code [5, 10]}; a 0-dim tensor is {@code []}. */
    public static String shape(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i]);
        }
        return b.append(']').toString();
    }

    /** A statistic: up to 6 significant digits, scientific for very large or small magnitudes. */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "−Inf";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e6 || a < 1e-4) {
            return String.format(Locale.ROOT, "%.4e", v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
