package org.ckptinspector.export;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which tensors to export, by their keys relative to {@link #root()}: a key is chosen when it is one of
 * {@link #keys()}, lies in one of the {@link #modules()} subtrees, or matches an {@link #include()} pattern (or
 * when none of these three is given), and matches no {@link #exclude()} pattern. Patterns are found anywhere in
 * the key unless anchored.
 *
 * @param root dotted key prefix of the sub-dict to export with the prefix removed ({@code state_dict}); empty
 *     for the whole file
 * @param keys exact keys
 * @param modules module names whose whole subtree is chosen ({@code encoder.layer.0} chooses
 *     {@code encoder.layer.0.attn.weight} …)
 */
public record Selection(String root, Set<String> keys, Set<String> modules, List<Pattern> include,
        List<Pattern> exclude) {

    public Selection {
        root = root == null ? "" : stripDots(root);
        keys = Set.copyOf(keys);
        modules = modules.stream().map(Selection::stripDots).collect(Collectors.toUnmodifiableSet());
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** Every tensor of the file. */
    public static Selection all() {
        return new Selection("", Set.of(), Set.of(), List.of(), List.of());
    }

    public Selection withRoot(String newRoot) {
        return new Selection(newRoot, keys, modules, include, exclude);
    }

    public Selection withKeys(Set<String> newKeys) {
        return new Selection(root, newKeys, modules, include, exclude);
    }

    public Selection withModules(Set<String> newModules) {
        return new Selection(root, keys, newModules, include, exclude);
    }

    public Selection withInclude(List<Pattern> patterns) {
        return new Selection(root, keys, modules, patterns, exclude);
    }

    public Selection withExclude(List<Pattern> patterns) {
        return new Selection(root, keys, modules, include, patterns);
    }

    /**
     * The key relative to the root, or null when {@code key} is not under the root. A key equal to the root
     * names the root itself (a single tensor), not something inside it, so it is not under it.
     */
    public String relativeKey(String key) {
        if (root.isEmpty()) {
            return key;
        }
        return key.startsWith(root + ".") ? key.substring(root.length() + 1) : null;
    }

    /** Whether a key relative to the root is chosen. */
    public boolean matches(String relativeKey) {
        boolean positive = keys.isEmpty() && modules.isEmpty() && include.isEmpty()
                || keys.contains(relativeKey)
                || modules.stream().anyMatch(m -> m.isEmpty() || relativeKey.equals(m)
                        || relativeKey.startsWith(m + "."))
                || include.stream().anyMatch(p -> p.matcher(relativeKey).find());
        return positive && exclude.stream().noneMatch(p -> p.matcher(relativeKey).find());
    }

    private static String stripDots(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '.') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == '.') {
            e--;
        }
        return s.substring(b, e);
    }
}
